// Disk full, for real: the local blob store lives on an 8 MiB tmpfs the test mounts (root with
// CAP_SYS_ADMIN; otherwise the test is skipped, saying so). With the volume filled by a ballast
// file, an upload gets 507 insufficient_storage with a message naming the cause, the server keeps
// serving what it stored before, the store holds exactly the files it held (no temporary file, no
// blob of the failed jobs), fsck finds nothing, the CLI exits 3; once the ballast is gone the same
// upload succeeds in the same process.
#include <errno.h>
#include <fcntl.h>
#include <sys/mount.h>
#include <unistd.h>

#include <cstring>
#include <fstream>
#include <set>

#include "faults/fault_fixture.h"

namespace noisett::faults {
namespace {

class DiskFullTest : public FaultsTest {
 protected:
  void SetUp() override {
    FaultsTest::SetUp();
    store_ = noisett_->root() / "store";
    fs::create_directories(store_);
    if (::mount("tmpfs", store_.c_str(), "tmpfs", MS_NOSUID | MS_NODEV, "size=8m") != 0) {
      const int err = errno;
      GTEST_SKIP() << "NOT TRIED: cannot mount an 8 MiB tmpfs at " << store_ << " ("
                   << std::strerror(err) << "); the disk-full test needs root (CAP_SYS_ADMIN)";
    }
    mounted_ = true;
  }

  void TearDown() override {
    FaultsTest::TearDown();  // the server goes first: it holds files on the volume
    if (mounted_) ::umount2(store_.c_str(), MNT_DETACH);
  }

  // Fills the volume with a ballast file until ENOSPC, then gives back `slack` bytes of it: room
  // for some of a job's small blobs, never for its image.
  void FillLeaving(off_t slack) {
    const std::string path = (store_ / "ballast").string();
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    ASSERT_GE(fd, 0) << std::strerror(errno);
    const std::string chunk(1 << 16, 'b');
    off_t written = 0;
    int err = 0;
    while (true) {
      const ssize_t n = ::write(fd, chunk.data(), chunk.size());
      if (n <= 0) {
        err = errno;
        break;
      }
      written += n;
    }
    EXPECT_EQ(err, ENOSPC) << "the ballast stopped for another reason: " << std::strerror(err);
    EXPECT_EQ(::ftruncate(fd, written > slack ? written - slack : 0), 0);
    ::close(fd);
  }

  // Every file and directory ("NAME/") under the store: temporary files of an interrupted write,
  // and the directories a failed first write made, show up here.
  std::set<std::string> StoreFiles() const {
    std::set<std::string> files;
    std::error_code ec;
    for (const auto& e : fs::recursive_directory_iterator(store_, ec)) {
      const std::string name = fs::relative(e.path(), store_).string();
      if (e.is_regular_file()) files.insert(name);
      if (e.is_directory()) files.insert(name + "/");
    }
    return files;
  }

  // `noisett images.upload` of `png`, in remote mode (to this server) or direct mode (same store).
  noisett::testing::ProcessResult CliUpload(const std::string& png, bool remote,
                                            const std::string& token) const {
    const std::string file = (noisett_->root() / "cli.png").string();
    std::ofstream(file, std::ios::binary) << png;
    std::vector<std::string> args = {"images.upload", R"({"prompt":"cli"})", "--file", file};
    if (remote) {
      args.insert(args.end(), {"--server", noisett_->base_url(), "--token", token});
    } else {
      args.insert(args.end(), {"--user", "alice", "--data-dir", noisett_->data_dir(), "--store",
                               "file://" + store_.string()});
    }
    return service_e2e::Noisett::Cli(args);
  }

  // Exactly the files of `before`: a failed job leaves no temporary file, no blob (its rolled
  // back blobs are discarded outright, which takes no space, not soft-deleted) and no directory.
  void ExpectStoreFilesUnchanged(const std::set<std::string>& before) const {
    const std::set<std::string> now = StoreFiles();
    for (const std::string& file : now) {
      EXPECT_EQ(before.count(file), 1u) << "left behind by a failed upload: " << file;
    }
    EXPECT_EQ(now, before);
  }

  // fsck of the store and catalog: no finding (no orphan blob, no row without its blobs), exit 0.
  void ExpectFsckClean() const {
    const FsckResult fsck = Fsck({"--store", "file://" + store_.string()});
    ASSERT_TRUE(fsck.report.is_object()) << fsck.err;
    EXPECT_EQ(fsck.status, 0) << fsck.report.dump() << fsck.err;
    EXPECT_EQ(fsck.report.value("findings", Json::array()), Json::array()) << fsck.report.dump();
  }

  fs::path store_;
  bool mounted_ = false;
};

TEST_F(DiskFullTest, UploadsGet507NothingHalfWrittenAndSucceedOnceSpaceIsFreed) {
  ASSERT_EQ(StartServer({"--store", "file://" + store_.string()}), "");
  const std::string alice = DevToken("alice");
  ASSERT_FALSE(alice.empty());

  // Before the fault: one job stored, its link serves its bytes.
  const RawResponse first = Upload(alice, Png(200, 150));
  ASSERT_EQ(first.status, 201) << first.body;
  const std::string first_job = JobId(first);
  const std::string first_link = ImageUrl(first);
  const RawResponse first_bytes = Call("GET", service_e2e::PathAndQuery(first_link), "");
  ASSERT_EQ(first_bytes.status, 200);

  FillLeaving(16 * 1024);
  const std::set<std::string> files_before = StoreFiles();
  const std::string big = Png(1200, 900);
  for (int attempt = 0; attempt < 3; ++attempt) {
    const RawResponse full = Upload(alice, big);
    EXPECT_EQ(full.status, 507) << full.body;
    EXPECT_EQ(ErrorCodeOf(full), "insufficient_storage") << full.body;
    EXPECT_NE(ErrorMessageOf(full).find("out of space"), std::string::npos) << full.body;
    // Not a transient outage: freeing space takes an operator, so no Retry-After promise.
    EXPECT_FALSE(full.Has("retry-after"));
  }
  ExpectAlive();

  // Nothing half-written: the small blobs a failed job put before its image failed are discarded
  // on the full volume itself, so the store holds exactly what it held, no history entry was
  // added, and fsck finds nothing.
  ExpectStoreFilesUnchanged(files_before);
  EXPECT_EQ(HistoryIds(alice), std::vector<std::string>{first_job});
  ExpectFsckClean();

  // What was stored before is still served, byte for byte.
  const RawResponse again = Call("GET", service_e2e::PathAndQuery(first_link), "");
  EXPECT_EQ(again.status, 200);
  EXPECT_EQ(again.body, first_bytes.body);

  // The CLI says the same, with its own exit status 3, in both modes.
  const auto remote = CliUpload(big, /*remote=*/true, alice);
  EXPECT_EQ(remote.status, 3) << remote.out << remote.err;
  EXPECT_NE(remote.err.find("insufficient_storage"), std::string::npos) << remote.err;
  const auto direct = CliUpload(big, /*remote=*/false, alice);
  EXPECT_EQ(direct.status, 3) << direct.out << direct.err;
  EXPECT_NE(direct.err.find("out of space"), std::string::npos) << direct.err;
  ExpectStoreFilesUnchanged(files_before);
  ExpectFsckClean();

  // Space freed: the same process takes the same upload, and serves it.
  fs::remove(store_ / "ballast");
  const RawResponse ok = Upload(alice, big);
  ASSERT_EQ(ok.status, 201) << ok.body;
  const std::string link = ImageUrl(ok);
  EXPECT_EQ(Call("GET", service_e2e::PathAndQuery(link), "").status, 200);
  EXPECT_EQ(ReadyStatus(), 200);
  EXPECT_EQ(HistoryIds(alice).size(), 2u);
  ExpectFsckClean();
}

}  // namespace
}  // namespace noisett::faults
