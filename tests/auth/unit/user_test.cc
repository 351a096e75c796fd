// The User helpers: the user-id grammar (a blob path segment), the admin role and the JSON form.
#include "auth/user.h"

#include <gtest/gtest.h>

#include <string>

#include <nlohmann/json.hpp>

namespace noisett::auth {
namespace {

TEST(UserIdTest, SafePathSegmentsOnly) {
  EXPECT_TRUE(IsValidUserId("0a1b2c3d-0000-4000-8000-00000000beef"));
  EXPECT_TRUE(IsValidUserId("ada_lovelace"));
  EXPECT_TRUE(IsValidUserId(std::string(64, 'x')));
  for (const std::string& bad :
       {std::string(), std::string(65, 'x'), std::string("."), std::string(".."),
        std::string("../x"), std::string("a/b"), std::string("a\\b"), std::string("a b"),
        std::string("a%2fb"), std::string("caf\xc3\xa9"), std::string("a\0b", 3),
        std::string("a\nb")}) {
    EXPECT_FALSE(IsValidUserId(bad)) << bad;
  }
}

TEST(UserTest, AdminIsTheExactRole) {
  User user;
  EXPECT_FALSE(user.is_admin());
  user.roles = {"Noisett.Reader", "noisett.admin", "Noisett.Admin "};
  EXPECT_FALSE(user.is_admin());
  user.roles.push_back("Noisett.Admin");
  EXPECT_TRUE(user.is_admin());
}

TEST(UserTest, JsonFormHasEveryField) {
  User user;
  user.user_id = "u1";
  user.tenant_id = "t1";
  user.email = "a@b.example";
  user.name = "Quote \" and \\ backslash";
  user.roles = {"Noisett.Admin"};
  user.scopes = {"images.read"};
  user.token_version = "2.0";
  const nlohmann::json j = nlohmann::json::parse(UserToJson(user));
  EXPECT_EQ(j["user_id"], "u1");
  EXPECT_EQ(j["tenant_id"], "t1");
  EXPECT_EQ(j["email"], "a@b.example");
  EXPECT_EQ(j["name"], "Quote \" and \\ backslash");
  EXPECT_EQ(j["roles"], nlohmann::json::array({"Noisett.Admin"}));
  EXPECT_EQ(j["scopes"], nlohmann::json::array({"images.read"}));
  EXPECT_EQ(j["admin"], true);
  EXPECT_EQ(j["anonymous"], false);
  EXPECT_EQ(j["token_version"], "2.0");
}

}  // namespace
}  // namespace noisett::auth
