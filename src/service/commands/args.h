// Reading command inputs with clear errors: each reader names the field and the accepted range
// in its message, and refuses wrong JSON types rather than coercing them.
#pragma once

#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "catalog/catalog.h"
#include "core/result.h"

namespace noisett::service {

// An integer field in [min, max]; `fallback` when absent (nullopt: required).
Result<int64_t> IntArg(const nlohmann::json& args, const char* name, int64_t min, int64_t max,
                       std::optional<int64_t> fallback);
Result<bool> BoolArg(const nlohmann::json& args, const char* name, bool fallback);
// A string of at most `max_length` bytes; `fallback` when absent (nullopt: required).
Result<std::string> StringArg(const nlohmann::json& args, const char* name, size_t max_length,
                              std::optional<std::string> fallback);
// A job id made by this server (a ULID); anything else is bad_input, never a path.
Result<std::string> JobIdArg(const nlohmann::json& args, const char* name = "job_id");
// `limit` (1..200, default 50) and `cursor` (opaque, from the previous page) of a list command.
Result<catalog::PageRequest> PageArgs(const nlohmann::json& args);
// Refuses fields the command does not know, so a typo ("limt") is an error, not a default.
// {job_id} alone: the argument of history.get, .delete, .restore, jobs.get and jobs.cancel.
Result<std::string> JobIdOnly(const nlohmann::json& args);
Status OnlyFields(const nlohmann::json& args, std::initializer_list<const char*> known);

}  // namespace noisett::service
