// The registry: one door (JSON text), its refusals before any command runs (unknown name, input
// that is not an object, a non-admin at an admin command), and DumpJson's handling of bytes that
// are not UTF-8.
#include "service/command.h"

#include <gtest/gtest.h>

#include "auth/user.h"

namespace noisett::service {
namespace {

class CommandRegistryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    registry_.Register(
        {.name = "echo",
         .summary = "answers its input",
         .run = [this](const CommandContext& c, const CommandInput& in) {
           ++runs_;
           return Result<std::string>(DumpJson({{"args", in.args}, {"user", c.user.user_id}}));
         }});
    registry_.Register({.name = "admin.only",
                        .summary = "admins only",
                        .admin_only = true,
                        .run = [this](const CommandContext&, const CommandInput&) {
                          ++runs_;
                          return Result<std::string>(std::string("{}"));
                        }});
  }

  static CommandInput Args(nlohmann::json args) {
    CommandInput input;
    input.args = std::move(args);
    return input;
  }
  static auth::User User(const std::string& id, bool admin = false) {
    auth::User user;
    user.user_id = id;
    if (admin) user.roles = {std::string(auth::kAdminRole)};
    return user;
  }

  CommandRegistry registry_;
  int runs_ = 0;
};

TEST_F(CommandRegistryTest, RunsTheNamedCommandForTheCaller) {
  const nlohmann::json args = {{"limit", 5}, {"note", "caf\xC3\xA9 \"q\""}};
  const auth::User alice = User("alice");
  auto out = registry_.Run("echo", {alice}, Args(args));
  ASSERT_TRUE(out.has_value()) << out.error().message;
  EXPECT_EQ(*out, nlohmann::json({{"args", args}, {"user", "alice"}}).dump());
  EXPECT_EQ(runs_, 1);
  ASSERT_NE(registry_.Find("admin.only"), nullptr);
  EXPECT_TRUE(registry_.Find("admin.only")->admin_only);
  EXPECT_EQ(registry_.All().size(), 2u);
}

TEST_F(CommandRegistryTest, RefusalsComeBeforeTheCommandRuns) {
  const auth::User alice = User("alice");
  auto admin = registry_.Run("admin.only", {alice}, Args(nlohmann::json::object()));
  ASSERT_FALSE(admin.has_value());
  EXPECT_EQ(admin.error().code, ErrorCode::kPermissionDenied);
  EXPECT_EQ(admin.error().reason, "not_admin");

  auto not_object = registry_.Run("echo", {alice}, Args(nlohmann::json::array()));
  ASSERT_FALSE(not_object.has_value());
  EXPECT_EQ(not_object.error().reason, "bad_input");

  auto unknown = registry_.Run(std::string(500, 'x'), {alice}, Args(nlohmann::json::object()));
  ASSERT_FALSE(unknown.has_value());
  EXPECT_EQ(unknown.error().reason, "unknown_command");
  EXPECT_LT(unknown.error().message.size(), 120u) << "the name is cut, not echoed whole";
  EXPECT_EQ(runs_, 0);
  // A near miss names the command meant; a far one does not guess.
  auto typo = registry_.Run("ehco", {alice}, Args(nlohmann::json::object()));
  ASSERT_FALSE(typo.has_value());
  EXPECT_EQ(typo.error().message, R"(no command "ehco"; did you mean "echo"?)");
  auto far = registry_.Run("frobnicate", {alice}, Args(nlohmann::json::object()));
  ASSERT_FALSE(far.has_value());
  EXPECT_EQ(far.error().message, R"(no command "frobnicate")");

  const auth::User root = User("root", /*admin=*/true);
  EXPECT_TRUE(registry_.Run("admin.only", {root}, Args(nlohmann::json::object())).has_value());
  EXPECT_EQ(runs_, 1);
}

TEST(DumpJsonTest, ReplacesBytesThatAreNotUtf8InsteadOfThrowing) {
  const std::string text = DumpJson({{"prompt", std::string("a\xFF"
                                                            "b")}});
  EXPECT_EQ(text,
            "{\"prompt\":\"a\xEF\xBF\xBD"
            "b\"}");
  EXPECT_EQ(DumpJson({{"b", 1}, {"a", 2}}), "{\"a\":2,\"b\":1}");
}

}  // namespace
}  // namespace noisett::service
