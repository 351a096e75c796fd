// How query values become JSON args for commands.
#include <gtest/gtest.h>

#include "http/api.h"

namespace noisett::http {
namespace {

TEST(ConvertArgTest, Integers) {
  EXPECT_EQ(*ConvertArg("limit", "50", ArgType::kInt), 50);
  EXPECT_EQ(*ConvertArg("limit", "-3", ArgType::kInt), -3);
  EXPECT_EQ(*ConvertArg("limit", "0", ArgType::kInt), 0);
  for (const char* bad :
       {"", "-", "5x", "1.5", " 5", "0x10", "1e3", "9999999999999999999", "+5", "five"}) {
    auto r = ConvertArg("limit", bad, ArgType::kInt);
    EXPECT_FALSE(r) << bad;
    if (!r) {
      EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument);
      EXPECT_EQ(r.error().reason, "bad_input");
      EXPECT_NE(r.error().message.find("limit"), std::string::npos);
    }
  }
}

TEST(ConvertArgTest, Booleans) {
  EXPECT_EQ(*ConvertArg("thumbnail", "true", ArgType::kBool), true);
  EXPECT_EQ(*ConvertArg("thumbnail", "1", ArgType::kBool), true);
  EXPECT_EQ(*ConvertArg("thumbnail", "false", ArgType::kBool), false);
  EXPECT_EQ(*ConvertArg("thumbnail", "0", ArgType::kBool), false);
  EXPECT_FALSE(ConvertArg("thumbnail", "yes", ArgType::kBool));
  EXPECT_FALSE(ConvertArg("thumbnail", "", ArgType::kBool));
}

TEST(ConvertArgTest, StringsStayStrings) {
  EXPECT_EQ(*ConvertArg("cursor", "123", ArgType::kString), "123");
}

}  // namespace
}  // namespace noisett::http
