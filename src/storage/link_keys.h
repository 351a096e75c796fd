// The secrets that sign local links: parsing NOISETT_LINK_KEYS, and the key made once in the data
// directory when that variable is unset. Which key signs and how links use it is link_signer.h's.
//
// NOISETT_LINK_KEYS = "id1:BASE64SECRET,id2:BASE64SECRET"
//   - the LAST entry is the newest and signs; every entry verifies. To rotate: append a new key,
//     restart, wait out the longest link lifetime (7 days), then drop the old entry;
//   - ids are [A-Za-z0-9_-]{1,32} and unique; they travel in links as `skid`;
//   - secrets are standard padded base64 (`openssl rand -base64 32`) of at least 32 bytes;
//   - spaces around entries are ignored.
//
// Without it, DATA_DIR/link-keys/link.key (directory 0700, file 0600, the same "id:BASE64" form)
// is created on first start and reused afterwards, so links survive restarts. Several processes
// starting at once agree on one key: each writes a private temporary file and link()s it into
// place, and whoever loses the race reads the winner's file.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace noisett::storage {

inline constexpr size_t kMinLinkSecretBytes = 32;
inline constexpr size_t kMaxLinkKeyIdChars = 32;

struct LinkKey {
  std::string id;
  std::string secret;  // raw bytes; never logged, never in an error message
};

// A non-empty set of keys with unique ids, oldest first. Immutable once built; safe to share.
class LinkKeySet final {
 public:
  // Errors: kInvalidArgument "link_keys_empty" for no keys, "link_key_duplicate_id" for a repeated
  // id, "link_key_bad_id" / "link_key_short_secret" as ParseLinkKeys.
  static Result<LinkKeySet> Create(std::vector<LinkKey> keys);

  // The newest key: the one that signs.
  const LinkKey& signing() const { return keys_.back(); }
  // The key with this id, or nullptr.
  const LinkKey* Find(std::string_view id) const;
  const std::vector<LinkKey>& keys() const { return keys_; }

 private:
  explicit LinkKeySet(std::vector<LinkKey> keys) : keys_(std::move(keys)) {}
  std::vector<LinkKey> keys_;
};

// True for [A-Za-z0-9_-]{1,32}.
bool IsValidLinkKeyId(std::string_view id);

// Parses the NOISETT_LINK_KEYS grammar above. Errors (kInvalidArgument; messages name the entry by
// position and id, never show a secret): "link_keys_empty", "link_key_malformed" (no ':'),
// "link_key_bad_id", "link_key_bad_base64", "link_key_short_secret", "link_key_duplicate_id".
Result<LinkKeySet> ParseLinkKeys(std::string_view spec);

// The data-directory key, created on first use as described above. `data_dir` must exist.
// Errors: kUnavailable "link_key_io" for file-system failures; kInvalidArgument
// "link_key_file_insecure" when the file or directory is a symlink, not ours to trust, or open to
// group/others (fix with chmod 600 / 700); the ParseLinkKeys errors for a corrupt file.
Result<LinkKeySet> LoadOrCreateDataDirLinkKey(const std::string& data_dir);

// The keys a server uses: ParseLinkKeys(*env_value) when set, else LoadOrCreateDataDirLinkKey.
// `env_value` is NOISETT_LINK_KEYS as the configuration gave it (app::Config), so tests need no
// environment.
Result<LinkKeySet> LoadLinkKeys(const std::optional<std::string>& env_value,
                                const std::string& data_dir);

}  // namespace noisett::storage
