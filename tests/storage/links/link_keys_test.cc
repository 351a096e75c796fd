// NOISETT_LINK_KEYS parsing and the create-once data-directory key.
#include "storage/link_keys.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <thread>
#include <vector>

#include "storage/links/link_test_support.h"

namespace noisett::storage {
namespace {

using testing::kSecret31;
using testing::kSecretA;
using testing::kSecretB;
using testing::TempDir;

std::string Entry(const std::string& id, const char* secret) { return id + ":" + secret; }

void ExpectKeyError(const std::string& spec, const std::string& reason) {
  auto keys = ParseLinkKeys(spec);
  ASSERT_FALSE(keys) << "'" << spec << "' parsed";
  EXPECT_EQ(keys.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(keys.error().reason, reason) << keys.error().ToString();
  EXPECT_NE(keys.error().message.find("NOISETT_LINK_KEYS"), std::string::npos);
  // Error messages end up in logs: they must never carry key material.
  for (const char* secret : {kSecretA, kSecretB, kSecret31}) {
    EXPECT_EQ(keys.error().message.find(secret), std::string::npos) << keys.error().message;
  }
}

int Mode(const std::string& path) {
  struct stat st {};
  EXPECT_EQ(::lstat(path.c_str(), &st), 0) << path;
  return static_cast<int>(st.st_mode & 07777);
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

TEST(ParseLinkKeysTest, LastListedSignsAndAllVerify) {
  auto keys = ParseLinkKeys(Entry("old", kSecretA) + "," + Entry("new_2", kSecretB));
  ASSERT_TRUE(keys) << keys.error().ToString();
  EXPECT_EQ(keys->keys().size(), 2u);
  EXPECT_EQ(keys->signing().id, "new_2");
  ASSERT_NE(keys->Find("old"), nullptr);
  EXPECT_EQ(keys->Find("old")->secret.size(), 32u);
  EXPECT_EQ(keys->Find("old")->secret[1], '\x01');
  EXPECT_EQ(keys->Find("new_2")->secret[0], 'd');
  EXPECT_EQ(keys->Find("nope"), nullptr);
}

TEST(ParseLinkKeysTest, SpacesAroundEntriesAreIgnored) {
  auto keys = ParseLinkKeys("  " + Entry("a", kSecretA) + " ,\t" + Entry("b", kSecretB) + "\n");
  ASSERT_TRUE(keys) << keys.error().ToString();
  EXPECT_EQ(keys->signing().id, "b");
}

TEST(ParseLinkKeysTest, LongSecretsAndLongestIdAreFine) {
  const std::string id(32, 'Z');
  auto keys = ParseLinkKeys(id + ":" + std::string(88, 'A'));  // 66 zero bytes
  ASSERT_TRUE(keys) << keys.error().ToString();
  EXPECT_EQ(keys->signing().secret.size(), 66u);
}

TEST(ParseLinkKeysTest, Errors) {
  ExpectKeyError("", "link_keys_empty");
  ExpectKeyError("  ", "link_keys_empty");
  ExpectKeyError("k1", "link_key_malformed");
  ExpectKeyError(Entry("k1", kSecretA) + ",", "link_key_malformed");
  ExpectKeyError(Entry("k1", kSecretA) + ",," + Entry("k2", kSecretB), "link_key_malformed");
  ExpectKeyError(Entry("", kSecretA), "link_key_bad_id");
  ExpectKeyError(Entry("bad id", kSecretA), "link_key_bad_id");
  ExpectKeyError(Entry("k.1", kSecretA), "link_key_bad_id");
  ExpectKeyError(Entry(std::string(33, 'a'), kSecretA), "link_key_bad_id");
  ExpectKeyError(Entry("k1", "not base64!"), "link_key_bad_base64");
  ExpectKeyError(Entry("k1", "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8"), "link_key_bad_base64");
  // base64url is not standard base64: '-' and '_' are refused rather than guessed at.
  ExpectKeyError(Entry("k1", "-_ECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8="),
                 "link_key_bad_base64");
  ExpectKeyError(Entry("k1", kSecret31), "link_key_short_secret");
  ExpectKeyError("k1:", "link_key_short_secret");
  ExpectKeyError(Entry("k1", kSecretA) + "," + Entry("k1", kSecretB), "link_key_duplicate_id");
}

TEST(ParseLinkKeysTest, ErrorsNameTheEntry) {
  auto keys = ParseLinkKeys(Entry("k1", kSecretA) + "," + Entry("k2", kSecret31));
  ASSERT_FALSE(keys);
  EXPECT_NE(keys.error().message.find("entry 2"), std::string::npos) << keys.error().message;
  EXPECT_NE(keys.error().message.find("'k2'"), std::string::npos) << keys.error().message;
}

TEST(LinkKeySetTest, CreateChecksWhatParseChecks) {
  const std::string secret(32, 's');
  EXPECT_EQ(LinkKeySet::Create({}).error().reason, "link_keys_empty");
  EXPECT_EQ(LinkKeySet::Create({{"a b", secret}}).error().reason, "link_key_bad_id");
  EXPECT_EQ(LinkKeySet::Create({{"a", std::string(31, 's')}}).error().reason,
            "link_key_short_secret");
  EXPECT_EQ(LinkKeySet::Create({{"a", secret}, {"a", secret}}).error().reason,
            "link_key_duplicate_id");
  EXPECT_TRUE(LinkKeySet::Create({{"a", secret}, {"b", secret}}));
}

TEST(DataDirLinkKeyTest, CreatedOncePrivateAndReused) {
  TempDir data;
  auto first = LoadOrCreateDataDirLinkKey(data.path());
  ASSERT_TRUE(first) << first.error().ToString();
  const std::string dir = data.path() + "/link-keys";
  const std::string file = dir + "/link.key";
  EXPECT_EQ(Mode(dir), 0700);
  EXPECT_EQ(Mode(file), 0600);
  ASSERT_EQ(first->keys().size(), 1u);
  EXPECT_TRUE(IsValidLinkKeyId(first->signing().id));
  EXPECT_EQ(first->signing().id.rfind("local-", 0), 0u);
  EXPECT_EQ(first->signing().secret.size(), 32u);
  // The file holds the same grammar as NOISETT_LINK_KEYS.
  auto reparsed = ParseLinkKeys(ReadFile(file));
  ASSERT_TRUE(reparsed);
  EXPECT_EQ(reparsed->signing().secret, first->signing().secret);

  // A restart reads the same key instead of making a new one.
  auto second = LoadOrCreateDataDirLinkKey(data.path());
  ASSERT_TRUE(second) << second.error().ToString();
  EXPECT_EQ(second->signing().id, first->signing().id);
  EXPECT_EQ(second->signing().secret, first->signing().secret);
  // No temporary files are left behind.
  size_t entries = 0;
  for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator(dir)) ++entries;
  EXPECT_EQ(entries, 1u);
}

TEST(DataDirLinkKeyTest, ConcurrentStartsAgreeOnOneKey) {
  TempDir data;
  constexpr int kThreads = 8;
  std::vector<std::string> secrets(kThreads);
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([&, i] {
      auto keys = LoadOrCreateDataDirLinkKey(data.path());
      if (keys) secrets[i] = keys->signing().id + ":" + keys->signing().secret;
    });
  }
  for (auto& t : threads) t.join();
  const std::set<std::string> distinct(secrets.begin(), secrets.end());
  EXPECT_EQ(distinct.size(), 1u);
  EXPECT_FALSE(secrets[0].empty());
}

TEST(DataDirLinkKeyTest, RefusesFilesOthersCanRead) {
  TempDir data;
  ASSERT_TRUE(LoadOrCreateDataDirLinkKey(data.path()));
  const std::string file = data.path() + "/link-keys/link.key";
  ASSERT_EQ(::chmod(file.c_str(), 0644), 0);
  auto keys = LoadOrCreateDataDirLinkKey(data.path());
  ASSERT_FALSE(keys);
  EXPECT_EQ(keys.error().reason, "link_key_file_insecure");
  EXPECT_NE(keys.error().message.find("chmod 600"), std::string::npos);

  ASSERT_EQ(::chmod(file.c_str(), 0600), 0);
  ASSERT_EQ(::chmod((data.path() + "/link-keys").c_str(), 0755), 0);
  keys = LoadOrCreateDataDirLinkKey(data.path());
  ASSERT_FALSE(keys);
  EXPECT_EQ(keys.error().reason, "link_key_file_insecure");
}

TEST(DataDirLinkKeyTest, RefusesSymlinks) {
  TempDir data, elsewhere;
  ASSERT_EQ(::mkdir((data.path() + "/link-keys").c_str(), 0700), 0);
  const std::string target = elsewhere.path() + "/planted.key";
  std::ofstream(target) << "evil:" << kSecretA << "\n";
  ASSERT_EQ(::chmod(target.c_str(), 0600), 0);
  ASSERT_EQ(::symlink(target.c_str(), (data.path() + "/link-keys/link.key").c_str()), 0);
  auto keys = LoadOrCreateDataDirLinkKey(data.path());
  ASSERT_FALSE(keys);
  EXPECT_EQ(keys.error().reason, "link_key_file_insecure");

  TempDir data2;
  ASSERT_EQ(::symlink(elsewhere.path().c_str(), (data2.path() + "/link-keys").c_str()), 0);
  keys = LoadOrCreateDataDirLinkKey(data2.path());
  ASSERT_FALSE(keys);
  EXPECT_EQ(keys.error().reason, "link_key_file_insecure");
}

TEST(DataDirLinkKeyTest, CorruptFileIsAClearError) {
  TempDir data;
  ASSERT_EQ(::mkdir((data.path() + "/link-keys").c_str(), 0700), 0);
  const std::string file = data.path() + "/link-keys/link.key";
  std::ofstream(file) << "k1:" << kSecret31 << "\n";
  ASSERT_EQ(::chmod(file.c_str(), 0600), 0);
  auto keys = LoadOrCreateDataDirLinkKey(data.path());
  ASSERT_FALSE(keys);
  EXPECT_EQ(keys.error().reason, "link_key_short_secret");
  EXPECT_NE(keys.error().message.find(file), std::string::npos) << keys.error().message;
}

TEST(DataDirLinkKeyTest, MissingDataDirIsUnavailable) {
  TempDir data;
  auto keys = LoadOrCreateDataDirLinkKey(data.path() + "/does-not-exist");
  ASSERT_FALSE(keys);
  EXPECT_EQ(keys.error().code, ErrorCode::kUnavailable);
  EXPECT_EQ(keys.error().reason, "link_key_io");
}

TEST(LoadLinkKeysTest, TheVariableWinsAndTheDataDirIsLeftAlone) {
  TempDir data;
  auto keys = LoadLinkKeys(Entry("env", kSecretA), data.path());
  ASSERT_TRUE(keys);
  EXPECT_EQ(keys->signing().id, "env");
  EXPECT_FALSE(std::filesystem::exists(data.path() + "/link-keys"));

  auto bad = LoadLinkKeys(std::string("   "), data.path());
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().reason, "link_keys_empty");

  auto made = LoadLinkKeys(std::nullopt, data.path());
  ASSERT_TRUE(made);
  EXPECT_TRUE(std::filesystem::exists(data.path() + "/link-keys/link.key"));
}

}  // namespace
}  // namespace noisett::storage
