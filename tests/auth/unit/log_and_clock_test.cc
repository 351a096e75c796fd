// core/log.h sinks and levels, and the clocks of core/clock.h.
#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

#include "core/clock.h"
#include "core/log.h"

namespace noisett {
namespace {

class LogTest : public ::testing::Test {
 protected:
  void SetUp() override {
    previous_ = SetLogSink([this](LogLevel level, std::string_view line) {
      lines_.emplace_back(level, std::string(line));
    });
  }
  void TearDown() override {
    SetLogLevel(LogLevel::kInfo);
    SetLogSink(std::move(previous_));
  }

  std::vector<std::pair<LogLevel, std::string>> lines_;
  LogSink previous_;
};

TEST_F(LogTest, SinkReceivesLevelAndMessage) {
  LogInfo("auth: keys loaded");
  LogWarn("auth: refresh failed");
  LogError("auth: no keys");
  ASSERT_EQ(lines_.size(), 3u);
  EXPECT_EQ(lines_[0], std::make_pair(LogLevel::kInfo, std::string("auth: keys loaded")));
  EXPECT_EQ(lines_[1], std::make_pair(LogLevel::kWarn, std::string("auth: refresh failed")));
  EXPECT_EQ(lines_[2], std::make_pair(LogLevel::kError, std::string("auth: no keys")));
}

TEST_F(LogTest, LinesBelowTheLevelAreDropped) {
  SetLogLevel(LogLevel::kWarn);
  LogInfo("dropped");
  Log(LogLevel::kDebug, "dropped too");
  LogWarn("kept");
  LogError("kept too");
  ASSERT_EQ(lines_.size(), 2u);
  EXPECT_EQ(lines_[0].second, "kept");
  EXPECT_EQ(lines_[1].second, "kept too");

  SetLogLevel(LogLevel::kDebug);
  Log(LogLevel::kDebug, "debug now");
  ASSERT_EQ(lines_.size(), 3u);
  EXPECT_EQ(lines_[2].first, LogLevel::kDebug);
}

TEST_F(LogTest, SetLogSinkReturnsThePreviousSink) {
  std::vector<std::string> other;
  LogSink mine = SetLogSink([&](LogLevel, std::string_view line) { other.emplace_back(line); });
  LogInfo("to the other sink");
  // Putting ours back returns the other one.
  LogSink returned = SetLogSink(std::move(mine));
  ASSERT_TRUE(static_cast<bool>(returned));
  LogInfo("to ours");
  EXPECT_EQ(other, std::vector<std::string>{"to the other sink"});
  ASSERT_EQ(lines_.size(), 1u);
  EXPECT_EQ(lines_[0].second, "to ours");
}

TEST(LogLevelTest, Names) {
  EXPECT_EQ(LogLevelName(LogLevel::kDebug), "DEBUG");
  EXPECT_EQ(LogLevelName(LogLevel::kInfo), "INFO");
  EXPECT_EQ(LogLevelName(LogLevel::kWarn), "WARN");
  EXPECT_EQ(LogLevelName(LogLevel::kError), "ERROR");
}

TEST(ClockTest, ManualClockMovesOnlyWhenTold) {
  ManualClock clock(1000);
  EXPECT_EQ(clock.NowSeconds(), 1000);
  EXPECT_EQ(clock.NowSeconds(), 1000);
  clock.Advance(59);
  EXPECT_EQ(clock.NowSeconds(), 1059);
  clock.Advance(-100);
  EXPECT_EQ(clock.NowSeconds(), 959);
  clock.Set(5);
  EXPECT_EQ(clock.NowSeconds(), 5);
  const Clock& as_base = clock;
  EXPECT_EQ(as_base.NowSeconds(), 5);
}

TEST(ClockTest, SystemClockIsTheWallClock) {
  const int64_t now = SystemClock::Instance().NowSeconds();
  EXPECT_GT(now, 1'700'000'000);  // after Nov 2023
  EXPECT_LT(now, 4'000'000'000);
  EXPECT_EQ(&SystemClock::Instance(), &SystemClock::Instance());
}

}  // namespace
}  // namespace noisett
