// Result<T>, Result<void> and Error: construction, access, propagation through Unexpected.
#include "core/result.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

namespace noisett {
namespace {

Result<int> Half(int n) {
  if (n % 2 != 0) {
    return Unexpected(MakeError(ErrorCode::kInvalidArgument, "odd", std::to_string(n) + " is odd"));
  }
  return n / 2;
}

// Propagates with the house idiom; the error must arrive unchanged.
Result<int> Quarter(int n) {
  auto half = Half(n);
  if (!half) return Unexpected(half.error());
  return Half(*half);
}

Status CheckPositive(int n) {
  if (n <= 0) return Unexpected(MakeError(ErrorCode::kInvalidArgument, "not_positive", ""));
  return Ok();
}

Result<std::string> Describe(int n) {
  if (auto ok = CheckPositive(n); !ok) return Unexpected(ok.error());
  return std::string(size_t(n), '*');
}

TEST(ResultTest, HoldsValue) {
  Result<int> r = 42;
  ASSERT_TRUE(r.has_value());
  EXPECT_TRUE(static_cast<bool>(r));
  EXPECT_EQ(r.value(), 42);
  EXPECT_EQ(*r, 42);
  EXPECT_EQ(r.value_or(7), 42);
}

TEST(ResultTest, HoldsError) {
  Result<int> r = Unexpected(MakeError(ErrorCode::kNotFound, "missing", "no such thing"));
  ASSERT_FALSE(r.has_value());
  EXPECT_FALSE(static_cast<bool>(r));
  EXPECT_EQ(r.error().code, ErrorCode::kNotFound);
  EXPECT_EQ(r.error().reason, "missing");
  EXPECT_EQ(r.error().message, "no such thing");
  EXPECT_EQ(r.value_or(7), 7);
}

TEST(ResultTest, ConvertsFromConstructibleValues) {
  Result<std::string> s = "abc";  // const char* -> std::string through the converting constructor
  ASSERT_TRUE(s);
  EXPECT_EQ(*s, "abc");
  EXPECT_EQ(s->size(), 3u);
  Result<std::vector<int>> v = std::vector<int>{1, 2, 3};
  ASSERT_TRUE(v);
  EXPECT_EQ(v->size(), 3u);
}

TEST(ResultTest, ArrowAndValueAreMutable) {
  Result<std::string> s = std::string("ab");
  s->push_back('c');
  s.value() += "d";
  *s += "e";
  EXPECT_EQ(*s, "abcde");
}

TEST(ResultTest, MoveOnlyValue) {
  Result<std::unique_ptr<int>> r = std::make_unique<int>(5);
  ASSERT_TRUE(r);
  std::unique_ptr<int> p = std::move(r).value();
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(*p, 5);
}

TEST(ResultTest, RvalueDereferenceMovesOut) {
  Result<std::string> r = std::string(100, 'x');
  std::string taken = *std::move(r);
  EXPECT_EQ(taken.size(), 100u);
}

TEST(ResultTest, CopyKeepsBothAlternatives) {
  Result<int> ok = 1;
  Result<int> bad = Unexpected(MakeError(ErrorCode::kConflict, "clash", "m"));
  Result<int> ok_copy = ok;
  Result<int> bad_copy = bad;
  ASSERT_TRUE(ok_copy);
  EXPECT_EQ(*ok_copy, 1);
  ASSERT_FALSE(bad_copy);
  EXPECT_EQ(bad_copy.error().reason, "clash");
}

TEST(ResultTest, UnexpectedPropagatesUnchanged) {
  auto good = Quarter(12);
  ASSERT_TRUE(good);
  EXPECT_EQ(*good, 3);

  auto first = Quarter(7);  // fails in the first Half
  ASSERT_FALSE(first);
  EXPECT_EQ(first.error().reason, "odd");
  EXPECT_EQ(first.error().message, "7 is odd");

  auto second = Quarter(6);  // 6 -> 3, fails in the second Half
  ASSERT_FALSE(second);
  EXPECT_EQ(second.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(second.error().message, "3 is odd");
}

TEST(ResultVoidTest, DefaultIsSuccess) {
  Status s;
  EXPECT_TRUE(s.has_value());
  EXPECT_TRUE(static_cast<bool>(s));
  EXPECT_TRUE(Ok().has_value());
}

TEST(ResultVoidTest, HoldsError) {
  Status s = Unexpected(MakeError(ErrorCode::kUnavailable, "down", "backend is down"));
  ASSERT_FALSE(s);
  EXPECT_FALSE(s.has_value());
  EXPECT_EQ(s.error().code, ErrorCode::kUnavailable);
  EXPECT_EQ(s.error().reason, "down");
}

TEST(ResultVoidTest, PropagatesIntoValueResult) {
  auto ok = Describe(3);
  ASSERT_TRUE(ok);
  EXPECT_EQ(*ok, "***");
  auto bad = Describe(0);
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().reason, "not_positive");
}

TEST(ErrorTest, ToStringJoinsReasonAndMessage) {
  EXPECT_EQ(MakeError(ErrorCode::kTooLarge, "too_large", "11 > 10").ToString(),
            "too_large: 11 > 10");
  EXPECT_EQ(MakeError(ErrorCode::kTooLarge, "too_large", "").ToString(), "too_large");
}

TEST(ErrorTest, EveryCodeHasADistinctName) {
  const std::vector<std::pair<ErrorCode, std::string>> expected = {
      {ErrorCode::kInvalidArgument, "invalid_argument"},
      {ErrorCode::kNotFound, "not_found"},
      {ErrorCode::kUnauthenticated, "unauthenticated"},
      {ErrorCode::kPermissionDenied, "permission_denied"},
      {ErrorCode::kConflict, "conflict"},
      {ErrorCode::kTooLarge, "too_large"},
      {ErrorCode::kUnsupported, "unsupported"},
      {ErrorCode::kUnavailable, "unavailable"},
      {ErrorCode::kInsufficientStorage, "insufficient_storage"},
      {ErrorCode::kResourceExhausted, "resource_exhausted"},
      {ErrorCode::kUpstreamTimeout, "upstream_timeout"},
      {ErrorCode::kUpstreamFailed, "upstream_failed"},
      {ErrorCode::kInternal, "internal"},
  };
  for (const auto& [code, name] : expected) EXPECT_EQ(ErrorCodeName(code), name);
}

TEST(ErrorTest, DefaultErrorIsInternal) {
  Error e;
  EXPECT_EQ(e.code, ErrorCode::kInternal);
  EXPECT_TRUE(e.reason.empty());
}

}  // namespace
}  // namespace noisett
