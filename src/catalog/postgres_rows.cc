// Row decoding. Column types are fixed by the schema (BIGINT / INTEGER / TEXT), so the
// conversions below cannot fail on rows our own statements return.
#include "catalog/postgres_rows.h"

#include <pqxx/row>

#include <optional>

#include "catalog/rendition_column.h"

namespace noisett::catalog::pg {
namespace {

Generation ReadGeneration(const pqxx::row& row, int c) {
  Generation g;
  g.job_id = row[c].as<std::string>();
  g.user_id = row[c + 1].as<std::string>();
  g.prompt = row[c + 2].as<std::string>();
  g.asset_type = row[c + 3].as<std::string>();
  g.quality = row[c + 4].as<std::string>();
  g.model = row[c + 5].as<std::string>();
  g.created_at = row[c + 6].as<int64_t>();
  if (!row[c + 7].is_null()) g.deleted_at = row[c + 7].as<int64_t>();
  return g;
}

}  // namespace

ImageRecord ReadImage(const pqxx::row& row, int c) {
  ImageRecord image;
  image.index = row[c].as<int>();
  image.seed = row[c + 1].as<int64_t>();
  image.blob_path = row[c + 2].as<std::string>();
  image.thumbnail_path = row[c + 3].as<std::string>();
  image.bytes = static_cast<uint64_t>(row[c + 4].as<int64_t>());
  image.thumbnail_bytes = static_cast<uint64_t>(row[c + 5].as<int64_t>());
  image.width = row[c + 6].as<int>();
  image.height = row[c + 7].as<int>();
  image.content_type = row[c + 8].as<std::string>();
  image.access_tier = row[c + 9].as<std::string>();
  image.thumbhash = row[c + 10].as<std::string>();
  std::optional<std::string> renditions;
  if (!row[c + 11].is_null()) renditions = row[c + 11].as<std::string>();
  ReadRenditionColumn(renditions, image);
  image.favorite = row[c + 12].as<bool>();
  return image;
}

std::vector<Generation> ReadGenerations(const pqxx::result& rows, int first) {
  constexpr int kImageOffset = 8;
  std::vector<Generation> out;
  for (const pqxx::row& row : rows) {
    if (row[first].is_null()) continue;
    if (out.empty() || out.back().job_id != row[first].c_str()) {
      out.push_back(ReadGeneration(row, first));
    }
    if (!row[first + kImageOffset].is_null()) {
      out.back().images.push_back(ReadImage(row, first + kImageOffset));
    }
  }
  return out;
}

JobState ReadJobState(const pqxx::row& row) {
  return JobState{row[0].as<int>(), !row[1].is_null()};
}

}  // namespace noisett::catalog::pg
