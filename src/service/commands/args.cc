// Input field readers.
#include "service/commands/args.h"

#include <algorithm>
#include <string_view>
#include <vector>

#include "core/ids.h"
#include "core/suggest.h"

namespace noisett::service {
namespace {

Unexpected Bad(std::string message) {
  return Unexpected(MakeError(ErrorCode::kInvalidArgument, "bad_input", std::move(message)));
}

}  // namespace

Result<int64_t> IntArg(const nlohmann::json& args, const char* name, int64_t min, int64_t max,
                       std::optional<int64_t> fallback) {
  auto it = args.find(name);
  const std::string range = std::to_string(min) + ".." + std::to_string(max);
  if (it == args.end() || it->is_null()) {
    if (fallback) return *fallback;
    return Bad(std::string(name) + " is required (an integer " + range + ")");
  }
  if (!it->is_number_integer()) return Bad(std::string(name) + " must be an integer " + range);
  const bool is_unsigned = it->is_number_unsigned();
  if (is_unsigned && it->get<uint64_t>() > uint64_t(max)) {
    return Bad(std::string(name) + " must be " + range);
  }
  const int64_t v = is_unsigned ? int64_t(it->get<uint64_t>()) : it->get<int64_t>();
  if (v < min || v > max) return Bad(std::string(name) + " must be " + range);
  return v;
}

Result<bool> BoolArg(const nlohmann::json& args, const char* name, bool fallback) {
  auto it = args.find(name);
  if (it == args.end() || it->is_null()) return fallback;
  if (!it->is_boolean()) return Bad(std::string(name) + " must be true or false");
  return it->get<bool>();
}

Result<std::string> StringArg(const nlohmann::json& args, const char* name, size_t max_length,
                              std::optional<std::string> fallback) {
  auto it = args.find(name);
  if (it == args.end() || it->is_null()) {
    if (fallback) return *fallback;
    return Bad(std::string(name) + " is required (a string)");
  }
  if (!it->is_string()) return Bad(std::string(name) + " must be a string");
  std::string value = it->get<std::string>();
  if (value.size() > max_length) {
    return Bad(std::string(name) + " is longer than " + std::to_string(max_length) + " bytes");
  }
  return value;
}

Result<std::string> JobIdArg(const nlohmann::json& args, const char* name) {
  auto id = StringArg(args, name, 64, std::nullopt);
  if (!id) return id;
  if (!IsValidJobId(*id)) return Bad(std::string(name) + " is not a job id");
  return id;
}

Result<catalog::PageRequest> PageArgs(const nlohmann::json& args) {
  auto limit = IntArg(args, "limit", 1, 200, 50);
  if (!limit) return Unexpected(limit.error());
  auto cursor = StringArg(args, "cursor", 512, "");
  if (!cursor) return Unexpected(cursor.error());
  return catalog::PageRequest{int(*limit), *cursor};
}

Status OnlyFields(const nlohmann::json& args, std::initializer_list<const char*> known) {
  for (const auto& item : args.items()) {
    // A plain reference, not a structured binding: clang 14 (the fuzz build) cannot capture those.
    const std::string& key = item.key();
    if (std::none_of(known.begin(), known.end(), [&](const char* k) { return key == k; })) {
      std::string shown = key.substr(0, 64);
      const std::vector<std::string_view> names(known.begin(), known.end());
      return Bad("unknown field \"" + shown + "\"" + DidYouMean(key, names));
    }
  }
  return Ok();
}

Result<std::string> JobIdOnly(const nlohmann::json& args) {
  if (auto ok = OnlyFields(args, {"job_id"}); !ok) return Unexpected(ok.error());
  return JobIdArg(args);
}

}  // namespace noisett::service
