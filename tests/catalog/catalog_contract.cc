#include "catalog/catalog_contract.h"

namespace noisett::catalog::testing {

std::string BackendName(const ::testing::TestParamInfo<CatalogBackend>& info) {
  return info.param.name;
}

void CatalogContractTest::SetUp() {
  env_ = GetParam().make();
  if (env_ == nullptr) GTEST_SKIP() << "catalog backend " << GetParam().name << " unavailable";
}

ImageRecord CatalogContractTest::MakeImage(const std::string& user, const std::string& job,
                                           int index) {
  return SampleImage(user, job, index);
}

Generation CatalogContractTest::MakeGeneration(const std::string& user, const std::string& job,
                                               int64_t created_at, int image_count) {
  return SampleGeneration(user, job, created_at, image_count);
}

ImageRecord SampleImage(const std::string& user, const std::string& job, int index) {
  ImageRecord image;
  image.index = index;
  image.seed = 42 + index;
  const std::string dir = "generated/" + user + "/" + job + "/";
  image.blob_path = dir + "image_" + std::to_string(index) + ".jpg";
  image.thumbnail_path = dir + "thumb_image_" + std::to_string(index) + ".jpg";
  image.bytes = 1000 + static_cast<uint64_t>(index);
  image.thumbnail_bytes = 100 + static_cast<uint64_t>(index);
  image.width = 1024;
  image.height = 768;
  image.content_type = "image/jpeg";
  image.thumbhash = "k/gJDQJ5eIeIeHeHd4iHd3iH+Gg" + std::to_string(index) + "=";
  return image;
}

Generation SampleGeneration(const std::string& user, const std::string& job, int64_t created_at,
                            int image_count) {
  Generation g;
  g.job_id = job;
  g.user_id = user;
  g.prompt = "a lighthouse at dusk, " + job;
  g.asset_type = "image";
  g.quality = "high";
  g.model = "sdxl";
  g.created_at = created_at;
  for (int i = 0; i < image_count; ++i) g.images.push_back(SampleImage(user, job, i));
  return g;
}

void CatalogContractTest::Insert(const std::string& user, const std::string& job,
                                 int64_t created_at, int image_count) {
  Status s = catalog().InsertGeneration(MakeGeneration(user, job, created_at, image_count));
  ASSERT_TRUE(s) << Describe(s);
}

JobRecord CatalogContractTest::MakeJob(const std::string& user, const std::string& job,
                                       int64_t created_at_ms, int seeds,
                                       const std::string& generator) {
  JobRecord out;
  out.job_id = job;
  out.user_id = user;
  out.prompt = "a fox in the snow, " + job;
  out.asset_type = "image";
  out.quality = "high";
  out.model = "sdxl";
  out.generator = generator;
  for (int i = 0; i < seeds; ++i) out.seeds.push_back(1000 + i);
  out.created_at_ms = created_at_ms;
  return out;
}

void CatalogContractTest::CreateJob(const JobRecord& job) {
  Status s = catalog().jobs().CreateJob(job);
  ASSERT_TRUE(s) << job.job_id << ": " << Describe(s);
}

std::string CatalogContractTest::Claim(const std::string& instance, int64_t now_ms) {
  auto claimed = catalog().jobs().ClaimJob(instance, {"noise"}, now_ms, kLeaseMs);
  EXPECT_TRUE(claimed) << Describe(claimed);
  if (!claimed || !claimed->has_value()) return "";
  return (*claimed)->job_id;
}

std::string Describe(const Error& error) {
  return std::string(ErrorCodeName(error.code)) + " " + error.reason + " (" + error.message + ")";
}

}  // namespace noisett::catalog::testing
