// users.set_tier: JSON in, typed call, JSON out.
#include "core/ids.h"
#include "service/commands/args.h"
#include "service/commands/commands.h"
#include "service/users.h"

namespace noisett::service {
namespace {

Unexpected Bad(std::string message) {
  return Unexpected(MakeError(ErrorCode::kInvalidArgument, "bad_input", std::move(message)));
}

Result<std::string> SetTier(catalog::Catalog& catalog, storage::BlobStore& blobs,
                            const CommandInput& in) {
  if (auto ok = OnlyFields(in.args, {"user_id", "tier"}); !ok) return Unexpected(ok.error());
  auto user_id = StringArg(in.args, "user_id", 64, std::nullopt);
  if (!user_id) return Unexpected(user_id.error());
  // Checked here too (SetUserTier checks it again): a bad id is the first thing said about it.
  if (!IsValidUserId(*user_id)) return Bad("user_id is not a user id ([A-Za-z0-9_-]{1,64})");
  auto tier = StringArg(in.args, "tier", 32, std::nullopt);
  if (!tier) return Unexpected(tier.error());
  auto change = SetUserTier(catalog, blobs, {std::move(*user_id), std::move(*tier)}, in.progress);
  if (!change) return Unexpected(change.error());
  nlohmann::json errors = nlohmann::json::array();
  for (const auto& [blob, error] : change->retag.errors) {
    errors.push_back({{"blob", blob}, {"error", error}});
  }
  return DumpJson({{"user_id", change->user_id},
                   {"tier", change->tier},
                   {"previous_tier", change->previous_tier},
                   {"blobs_checked", change->retag.seen},
                   {"blobs_retagged", change->retag.retagged},
                   {"blobs_failed", change->retag.failed},
                   {"errors", std::move(errors)}});
}

}  // namespace

void RegisterUserCommands(CommandRegistry& registry, catalog::Catalog& catalog,
                          storage::BlobStore& blobs) {
  registry.Register({.name = "users.set_tier",
                     .admin_only = true,
                     .run = [&catalog, &blobs](const CommandContext&, const CommandInput& i) {
                       return SetTier(catalog, blobs, i);
                     }});
}

}  // namespace noisett::service
