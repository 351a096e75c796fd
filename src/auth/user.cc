// User helpers: the admin role check, the user-id grammar and the JSON form.
#include "auth/user.h"

#include <algorithm>

#include <nlohmann/json.hpp>

#include "core/ids.h"

namespace noisett::auth {

bool User::is_admin() const {
  return std::find(roles.begin(), roles.end(), kAdminRole) != roles.end();
}

bool IsValidUserId(std::string_view id) { return noisett::IsValidUserId(id); }

std::string UserToJson(const User& user) {
  nlohmann::json j = {
      {"user_id", user.user_id}, {"tenant_id", user.tenant_id}, {"email", user.email},
      {"name", user.name},       {"roles", user.roles},         {"scopes", user.scopes},
      {"admin", user.is_admin()}, {"anonymous", user.anonymous},
      {"token_version", user.token_version}};
  if (!user.subscription_tier.empty()) j["subscription_tier"] = user.subscription_tier;
  return j.dump();
}

}  // namespace noisett::auth
