// A backend stopped in the middle of a run, for real, then brought back: the test's own
// PostgreSQL (scripts/postgres.sh) and its own Azurite (scripts/azurite.sh). While it is down
// every request that needs it gets 503 with the backend's error code and Retry-After: 5, /readyz
// says 503 (the instance leaves the load balancer), the process keeps running; when the backend
// returns, the same process serves again, nothing stored before is lost and fsck is clean.
#include <algorithm>

#include "faults/fault_fixture.h"
#include "faults/private_azurite.h"
#include "support/azurite.h"
#include "support/postgres.h"

namespace noisett::faults {
namespace {

constexpr auto kRecovery = std::chrono::seconds(30);

class BackendDownTest : public FaultsTest {
 protected:
  // The first successful upload after the backend returned (polled: reconnecting takes a moment);
  // how long that took goes to the test's XML report.
  RawResponse UploadOnceBack(const std::string& token, const std::string& png) const {
    const auto start = std::chrono::steady_clock::now();
    RawResponse r;
    WaitFor([&] { return (r = Upload(token, png)).status == 201; }, kRecovery);
    RecordProperty("recovery_ms", static_cast<int>(MsSince(start)));
    return r;
  }

  // A request made while the backend is down; how long its 503 took goes to the XML report.
  RawResponse TimedWhileDown(const std::function<RawResponse()>& call) const {
    const auto start = std::chrono::steady_clock::now();
    RawResponse r = call();
    RecordProperty("refusal_ms", static_cast<int>(MsSince(start)));
    return r;
  }

  static int64_t MsSince(std::chrono::steady_clock::time_point start) {
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() -
                                                                 start)
        .count();
  }

  static bool Contains(const std::vector<std::string>& ids, const std::string& id) {
    return std::find(ids.begin(), ids.end(), id) != ids.end();
  }
};

TEST_F(BackendDownTest, PostgresStoppedMidRunIs503ThenRecoversWithoutRestart) {
  std::string error;
  auto pg = noisett::testing::PrivateServer::Start(&error);
  ASSERT_NE(pg, nullptr) << error;
  ASSERT_EQ(StartServer({"--catalog", pg->url()}), "");
  const std::string alice = DevToken("alice");
  const RawResponse before = Upload(alice, Png(160, 120));
  ASSERT_EQ(before.status, 201) << before.body;
  const std::string before_job = JobId(before);

  ASSERT_EQ(pg->Stop(), "");
  ExpectUnavailable(Call("GET", "/api/history", alice), "catalog_unavailable");
  ExpectUnavailable(Call("GET", "/api/history/" + before_job, alice), "catalog_unavailable");
  ExpectUnavailable(TimedWhileDown([&] { return Upload(alice, Png(120, 90)); }),
                    "catalog_unavailable");
  ExpectUnavailable(Call("GET", "/readyz", ""), "catalog_unavailable");
  ExpectAlive();
  // A link signed before the outage needs no catalog: still served.
  const std::string link = ImageUrl(before);
  EXPECT_EQ(Call("GET", service_e2e::PathAndQuery(link), "").status, 200);

  ASSERT_EQ(pg->Restart(), "");
  const RawResponse after = UploadOnceBack(alice, Png(140, 100));
  ASSERT_EQ(after.status, 201) << "no recovery within 30 s: " << after.body;
  EXPECT_EQ(ReadyStatus(), 200);
  const std::vector<std::string> ids = HistoryIds(alice);
  EXPECT_EQ(ids.size(), 2u) << "the refused upload must not appear, the others must";
  EXPECT_TRUE(Contains(ids, before_job));
  EXPECT_TRUE(Contains(ids, JobId(after)));
  const FsckResult fsck = Fsck({"--catalog", pg->url()});
  EXPECT_EQ(fsck.status, 0) << fsck.report.dump() << fsck.err;
}

TEST_F(BackendDownTest, AzuriteStoppedMidRunIs503ThenRecoversWithoutRestart) {
  std::string error;
  auto az = PrivateAzurite::Start(&error);
  ASSERT_NE(az, nullptr) << error;
  const std::vector<std::string> store = {
      "--store",          "azure://" + std::string(noisett::testing::kAzuriteAccount) + "/faults",
      "--azure-endpoint", az->endpoint(),
      "--azure-ca-file",  az->ca_file(),
      "--azure-key",      noisett::testing::kAzuriteKey};
  ASSERT_EQ(StartServer(store), "");
  const std::string alice = DevToken("alice");
  const RawResponse before = Upload(alice, Png(160, 120));
  ASSERT_EQ(before.status, 201) << before.body;
  const std::string before_job = JobId(before);

  ASSERT_EQ(az->Stop(), "");
  ExpectUnavailable(TimedWhileDown([&] { return Upload(alice, Png(120, 90)); }),
                    "StoreUnavailable");
  ExpectUnavailable(Call("GET", "/readyz", ""), "StoreUnavailable");
  ExpectAlive();
  // The catalog still answers: history (with links signed locally) stays readable.
  EXPECT_EQ(HistoryIds(alice), std::vector<std::string>{before_job});

  ASSERT_EQ(az->StartAgain(), "");
  const RawResponse after = UploadOnceBack(alice, Png(140, 100));
  ASSERT_EQ(after.status, 201) << "no recovery within 30 s: " << after.body;
  EXPECT_EQ(ReadyStatus(), 200);
  EXPECT_EQ(HistoryIds(alice).size(), 2u);
  std::vector<std::string> fsck_flags = store;
  const FsckResult fsck = Fsck(fsck_flags);
  EXPECT_EQ(fsck.status, 0) << fsck.report.dump() << fsck.err;
}

}  // namespace
}  // namespace noisett::faults
