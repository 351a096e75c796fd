// metadata.json: writing, and the strict reader catalog.rebuild and fsck use.
#include "service/job_metadata.h"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "catalog/rendition_column.h"
#include "core/base64.h"
#include "core/blob_paths.h"
#include "lifecycle/retention.h"
#include "service/links.h"
#include "storage/link_signer.h"

namespace noisett::service {
namespace {

using Json = nlohmann::json;

Unexpected Bad(const std::string& why) {
  return Unexpected(MakeError(ErrorCode::kInvalidArgument, "bad_metadata", why));
}

// A required string field of at most `max` bytes.
Result<std::string> Text(const Json& doc, const char* name, size_t max) {
  auto it = doc.find(name);
  if (it == doc.end()) return Bad(std::string("missing field \"") + name + "\"");
  if (!it->is_string()) return Bad(std::string("\"") + name + "\" must be a string");
  std::string value = it->get<std::string>();
  if (value.size() > max) {
    return Bad(std::string("\"") + name + "\" is longer than " + std::to_string(max) + " bytes");
  }
  return value;
}

// The optional "thumbhash" of an image entry: base64 of at most 32 bytes, as stored; "" when
// absent (metadata written before it) or not such a value (never trusted further).
std::string ThumbHashOf(const Json& entry) {
  auto it = entry.find("thumbhash");
  if (it == entry.end() || !it->is_string()) return "";
  const auto& text = it->get_ref<const std::string&>();
  auto bytes = Base64Decode(text);
  return bytes && bytes->size() >= 5 && bytes->size() <= 32 ? text : "";
}

// A required integer field in [min, max].
Result<int64_t> Integer(const Json& doc, const char* name, int64_t min, int64_t max) {
  auto it = doc.find(name);
  if (it == doc.end()) return Bad(std::string("missing field \"") + name + "\"");
  if (!it->is_number_integer()) return Bad(std::string("\"") + name + "\" must be an integer");
  // Unsigned values above INT64_MAX read as negative here and are refused by the range check.
  const int64_t value = it->is_number_unsigned() && it->get<uint64_t>() > uint64_t(INT64_MAX)
                            ? -1
                            : it->get<int64_t>();
  if (value < min || value > max) {
    return Bad(std::string("\"") + name + "\" is outside " + std::to_string(min) + ".." +
               std::to_string(max));
  }
  return value;
}

Result<catalog::ImageRecord> Image(const Json& entry, std::string_view user_id,
                                   std::string_view job_id) {
  if (!entry.is_object()) return Bad("every entry of \"images\" must be an object");
  auto index = Integer(entry, "index", 0, catalog::kMaxImagesPerJob - 1);
  if (!index) return Unexpected(index.error());
  auto seed = Integer(entry, "seed", 0, INT64_MAX);
  auto bytes = Integer(entry, "bytes", 0, INT64_MAX);
  auto width = Integer(entry, "width", 1, 1 << 20);
  auto height = Integer(entry, "height", 1, 1 << 20);
  auto filename = Text(entry, "filename", 64);
  for (const Error* e : {seed ? nullptr : &seed.error(), bytes ? nullptr : &bytes.error(),
                         width ? nullptr : &width.error(), height ? nullptr : &height.error(),
                         filename ? nullptr : &filename.error()}) {
    if (e != nullptr) return Unexpected(*e);
  }
  const std::string stem = "image_" + std::to_string(*index);
  std::string extension;
  if (*filename == stem + ".jpg") {
    extension = "jpg";
  } else if (*filename == stem + ".webp") {
    extension = "webp";
  } else {
    return Bad("image " + std::to_string(*index) + " has filename \"" + *filename +
               "\"; expected " + stem + ".jpg or " + stem + ".webp");
  }
  catalog::ImageRecord r;
  r.index = int(*index);
  r.seed = *seed;
  r.blob_path = ImageBlobPath(user_id, job_id, r.index, extension);
  r.thumbnail_path = ThumbnailBlobPath(user_id, job_id, r.index, extension);
  r.bytes = uint64_t(*bytes);
  r.width = int(*width);
  r.height = int(*height);
  r.content_type = extension == "webp" ? "image/webp" : "image/jpeg";
  r.thumbhash = ThumbHashOf(entry);
  // Optional, and read leniently like "thumbhash": metadata written before renditions has none,
  // and a value this code did not write gives none rather than failing the rebuild.
  if (auto it = entry.find("renditions"); it != entry.end() && it->is_string()) {
    catalog::ReadRenditionColumn(it->get_ref<const std::string&>(), r);
  }
  return r;
}

Status Images(const Json& doc, std::string_view user_id, std::string_view job_id,
              catalog::Generation* job) {
  auto it = doc.find("images");
  if (it == doc.end()) return Bad("missing field \"images\"");
  if (!it->is_array()) return Bad("\"images\" must be an array");
  if (it->size() > size_t(catalog::kMaxImagesPerJob)) {
    return Bad("\"images\" lists " + std::to_string(it->size()) + " images; a job holds at most 8");
  }
  bool seen[catalog::kMaxImagesPerJob] = {};
  for (const Json& entry : *it) {
    auto image = Image(entry, user_id, job_id);
    if (!image) return Unexpected(image.error());
    if (seen[image->index]) return Bad("image index " + std::to_string(image->index) + " twice");
    seen[image->index] = true;
    job->images.push_back(std::move(*image));
  }
  std::sort(job->images.begin(), job->images.end(),
            [](const catalog::ImageRecord& a, const catalog::ImageRecord& b) {
              return a.index < b.index;
            });
  return Ok();
}

}  // namespace

storage::PutOptions MetadataPutOptions(storage::Tags tags) {
  storage::PutOptions put;
  put.content_type = "application/json";
  put.cache_control = "no-cache";
  tags.erase(std::string(lifecycle::kBlobKindTag));
  put.tags = std::move(tags);
  return put;
}

std::string MetadataJson(const catalog::Generation& job) {
  nlohmann::json images = nlohmann::json::array();
  for (const catalog::ImageRecord& r : job.images) {
    const std::string filename = r.blob_path.substr(r.blob_path.rfind('/') + 1);
    images.push_back({{"index", r.index}, {"seed", r.seed}, {"filename", filename},
                      {"bytes", r.bytes}, {"width", r.width}, {"height", r.height}});
    if (!r.thumbhash.empty()) images.back()["thumbhash"] = r.thumbhash;
    if (auto renditions = catalog::RenditionColumn(r)) images.back()["renditions"] = *renditions;
  }
  return nlohmann::json{{"job_id", job.job_id},     {"user_id", job.user_id},
                        {"prompt", job.prompt},     {"asset_type", job.asset_type},
                        {"quality", job.quality},   {"model", job.model},
                        {"created_at", IsoTime(job.created_at)}, {"images", images}}
      .dump(2);
}

Result<catalog::Generation> ParseMetadataJson(std::string_view text, std::string_view user_id,
                                              std::string_view job_id) {
  if (text.size() > kMaxMetadataBytes) return Bad("larger than 64 KiB");
  const Json doc = Json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) return Bad("not valid JSON");
  if (!doc.is_object()) return Bad("not a JSON object");
  catalog::Generation job;
  auto doc_job = Text(doc, "job_id", 64);
  if (!doc_job) return Unexpected(doc_job.error());
  if (*doc_job != job_id) return Bad("job_id \"" + *doc_job + "\" is not the path's job");
  auto doc_user = Text(doc, "user_id", 64);
  if (!doc_user) return Unexpected(doc_user.error());
  if (*doc_user != user_id) return Bad("user_id \"" + *doc_user + "\" is not the path's user");
  job.job_id = std::string(job_id);
  job.user_id = std::string(user_id);
  auto prompt = Text(doc, "prompt", 4000);
  auto asset_type = Text(doc, "asset_type", 64);
  auto quality = Text(doc, "quality", 32);
  auto model = Text(doc, "model", 64);
  auto created = Text(doc, "created_at", 32);
  for (const Error* e : {prompt ? nullptr : &prompt.error(),
                         asset_type ? nullptr : &asset_type.error(),
                         quality ? nullptr : &quality.error(), model ? nullptr : &model.error(),
                         created ? nullptr : &created.error()}) {
    if (e != nullptr) return Unexpected(*e);
  }
  const auto created_at = storage::ParseIsoUtc(*created);  // exactly the form IsoTime writes
  if (!created_at) return Bad("\"created_at\" is not YYYY-MM-DDTHH:MM:SSZ");
  job.prompt = std::move(*prompt);
  job.asset_type = std::move(*asset_type);
  job.quality = std::move(*quality);
  job.model = std::move(*model);
  job.created_at = *created_at;
  if (auto ok = Images(doc, user_id, job_id, &job); !ok) return Unexpected(ok.error());
  return job;
}

}  // namespace noisett::service
