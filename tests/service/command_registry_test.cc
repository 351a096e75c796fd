// The registry's two doors: Run (a tree, for the CLI) and RunText (JSON text, for HTTP) must give
// the same answer and the same refusals whichever way a command writes it.
#include "service/command.h"

#include <gtest/gtest.h>

#include "auth/user.h"

namespace noisett::service {
namespace {

class CommandRegistryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    registry_.Register({"tree.echo", "answers a tree", false, false,
                        [](const CommandContext& c, const CommandInput& in) -> Result<nlohmann::json> {
                          return nlohmann::json{{"args", in.args}, {"user", c.user.user_id}};
                        }});
    registry_.Register({"text.echo", "answers text", false, false, {},
                        [](const CommandContext& c, const CommandInput& in) -> Result<std::string> {
                          return nlohmann::json{{"args", in.args}, {"user", c.user.user_id}}.dump();
                        }});
    registry_.Register({"text.admin", "admins only", true, false, {},
                        [](const CommandContext&, const CommandInput&) -> Result<std::string> {
                          return std::string("{}");
                        }});
    registry_.Register({"text.broken", "answers text that is not JSON", false, false, {},
                        [](const CommandContext&, const CommandInput&) -> Result<std::string> {
                          return std::string("{\"cut\":");
                        }});
  }

  static CommandInput Args(nlohmann::json args) {
    CommandInput input;
    input.args = std::move(args);
    return input;
  }
  static auth::User Alice() {
    auth::User user;
    user.user_id = "alice";
    return user;
  }

  CommandRegistry registry_;
  auth::User alice_ = Alice();
  CommandContext as_alice_{alice_};
};

TEST_F(CommandRegistryTest, BothDoorsGiveTheSameAnswerForBothKindsOfCommand) {
  const nlohmann::json args = {{"limit", 5}, {"note", "caf\xC3\xA9 \"q\""}};
  const nlohmann::json expected = {{"args", args}, {"user", "alice"}};
  for (const char* name : {"tree.echo", "text.echo"}) {
    auto tree = registry_.Run(name, as_alice_, Args(args));
    auto text = registry_.RunText(name, as_alice_, Args(args));
    ASSERT_TRUE(tree.has_value()) << name << ": " << tree.error().message;
    ASSERT_TRUE(text.has_value()) << name << ": " << text.error().message;
    EXPECT_EQ(*tree, expected) << name;
    EXPECT_EQ(*text, expected.dump()) << name;
  }
}

TEST_F(CommandRegistryTest, TextCommandsAreRefusedLikeTreeCommands) {
  auto admin = registry_.RunText("text.admin", as_alice_, Args(nlohmann::json::object()));
  ASSERT_FALSE(admin.has_value());
  EXPECT_EQ(admin.error().code, ErrorCode::kPermissionDenied);
  EXPECT_FALSE(registry_.Run("text.admin", as_alice_, Args(nlohmann::json::object())).has_value());

  auto not_object = registry_.RunText("text.echo", as_alice_, Args(nlohmann::json::array()));
  ASSERT_FALSE(not_object.has_value());
  EXPECT_EQ(not_object.error().reason, "bad_input");

  auto unknown = registry_.RunText("text.nothing", as_alice_, Args(nlohmann::json::object()));
  ASSERT_FALSE(unknown.has_value());
  EXPECT_EQ(unknown.error().reason, "unknown_command");
}

TEST_F(CommandRegistryTest, TextThatIsNotJsonIsAnInternalErrorForTheTreeDoor) {
  auto tree = registry_.Run("text.broken", as_alice_, Args(nlohmann::json::object()));
  ASSERT_FALSE(tree.has_value());
  EXPECT_EQ(tree.error().code, ErrorCode::kInternal);
  EXPECT_EQ(tree.error().reason, "bad_answer");
}

}  // namespace
}  // namespace noisett::service
