// Link keys: the NOISETT_LINK_KEYS grammar, and the create-once key file. The file code calls
// POSIX directly (openat/linkat with O_NOFOLLOW) rather than through local_fs, whose errors speak
// of blobs; keys need their own "is this file safe to trust" checks anyway.
#include "storage/link_keys.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "core/base64.h"
#include "storage/hmac.h"

namespace noisett::storage {
namespace {

constexpr char kKeyDir[] = "link-keys";
constexpr char kKeyFile[] = "link.key";
constexpr size_t kMaxKeyFileBytes = 64 * 1024;  // a key is ~60 bytes; anything huge is not ours
constexpr size_t kGeneratedIdRandomBytes = 4;

Error KeyError(std::string reason, std::string message) {
  return MakeError(ErrorCode::kInvalidArgument, std::move(reason), std::move(message));
}

Error IoError(std::string_view op, const std::string& path, int err) {
  // O_NOFOLLOW met a symlink, or a file sits where the directory belongs: not ours to trust.
  if (err == ELOOP || err == ENOTDIR) {
    return MakeError(ErrorCode::kInvalidArgument, "link_key_file_insecure",
                     path + " is a symlink or not the expected kind of file");
  }
  return MakeError(ErrorCode::kUnavailable, "link_key_io",
                   std::string(op) + " " + path + ": " + std::strerror(err));
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() &&
         (s.back() == ' ' || s.back() == '\t' || s.back() == '\n' || s.back() == '\r')) {
    s.remove_suffix(1);
  }
  return s;
}

std::string Hex(std::string_view bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  for (char ch : bytes) {
    const auto c = static_cast<unsigned char>(ch);
    out.push_back(kDigits[c >> 4]);
    out.push_back(kDigits[c & 0xF]);
  }
  return out;
}

// Owns one file descriptor.
class Fd final {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  int get() const { return fd_; }
  bool valid() const { return fd_ >= 0; }
  int Release() {
    const int fd = fd_;
    fd_ = -1;
    return fd;
  }

 private:
  int fd_;
};

// A key file or directory we rely on must be ours and closed to everyone else, as ssh insists.
Status CheckPrivate(int fd, const std::string& path, bool want_dir) {
  struct stat st {};
  if (::fstat(fd, &st) != 0) return Unexpected(IoError("stat", path, errno));
  const bool right_type = want_dir ? S_ISDIR(st.st_mode) : S_ISREG(st.st_mode);
  if (!right_type || st.st_uid != ::geteuid() || (st.st_mode & 077) != 0) {
    return Unexpected(KeyError(
        "link_key_file_insecure",
        path + " must be a " + (want_dir ? "directory (chmod 700)" : "regular file (chmod 600)") +
            " owned by this user and closed to group and others"));
  }
  return Ok();
}

// DATA_DIR/link-keys, made 0700 when missing; a symlink there is refused (O_NOFOLLOW).
Result<int> OpenKeyDir(const std::string& data_dir) {
  Fd base(::open(data_dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!base.valid()) return Unexpected(IoError("open", data_dir, errno));
  const bool made = ::mkdirat(base.get(), kKeyDir, 0700) == 0;
  if (!made && errno != EEXIST) {
    return Unexpected(IoError("mkdir", data_dir + "/" + kKeyDir, errno));
  }
  Fd dir(::openat(base.get(), kKeyDir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
  if (!dir.valid()) return Unexpected(IoError("open", data_dir + "/" + kKeyDir, errno));
  // A strict umask (0277) would leave us a directory we cannot write; one we made is ours to fix.
  if (made && ::fchmod(dir.get(), 0700) != 0) {
    return Unexpected(IoError("chmod", data_dir + "/" + kKeyDir, errno));
  }
  return dir.Release();
}

// The key file's text, or nullopt when it does not exist yet.
Result<std::optional<std::string>> ReadKeyFile(int dir, const std::string& path) {
  Fd fd(::openat(dir, kKeyFile, O_RDONLY | O_NOFOLLOW | O_CLOEXEC));
  if (!fd.valid()) {
    if (errno == ENOENT) return std::optional<std::string>();
    return Unexpected(IoError("open", path, errno));
  }
  if (auto ok = CheckPrivate(fd.get(), path, false); !ok) return Unexpected(ok.error());
  std::string text;
  char buf[4096];
  for (;;) {
    const ssize_t n = ::read(fd.get(), buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return Unexpected(IoError("read", path, errno));
    if (n == 0) break;
    text.append(buf, static_cast<size_t>(n));
    if (text.size() > kMaxKeyFileBytes) {
      return Unexpected(KeyError("link_key_malformed", path + " is too large for a key file"));
    }
  }
  return std::optional<std::string>(std::move(text));
}

Status WriteAll(int fd, std::string_view bytes, const std::string& path) {
  while (!bytes.empty()) {
    const ssize_t n = ::write(fd, bytes.data(), bytes.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return Unexpected(IoError("write", path, errno));
    bytes.remove_prefix(static_cast<size_t>(n));
  }
  return Ok();
}

// Writes a fresh key to a private temporary file and links it into place. link() fails with EEXIST
// instead of replacing, so the first writer wins and everyone else keeps the winner's key; the
// temporary file means no reader ever sees a half-written key.
Status CreateKeyFile(int dir, const std::string& dir_path) {
  auto id = crypto::RandomBytes(kGeneratedIdRandomBytes);
  if (!id) return Unexpected(id.error());
  auto secret = crypto::RandomBytes(kMinLinkSecretBytes);
  if (!secret) return Unexpected(secret.error());
  auto tag = crypto::RandomBytes(8);  // names the temporary file; unique per attempt
  if (!tag) return Unexpected(tag.error());
  const std::string content = "local-" + Hex(*id) + ":" + Base64Encode(*secret) + "\n";
  const std::string tmp = ".tmp-" + Hex(*tag);
  const std::string tmp_path = dir_path + "/" + tmp;
  Status written = Ok();
  {
    Fd fd(::openat(dir, tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600));
    if (!fd.valid()) return Unexpected(IoError("create", tmp_path, errno));
    // The umask can only take bits away from 0600; fchmod makes sure the owner can still read.
    if (::fchmod(fd.get(), 0600) != 0) written = Unexpected(IoError("chmod", tmp_path, errno));
    if (written) written = WriteAll(fd.get(), content, tmp_path);
    if (written && ::fsync(fd.get()) != 0) written = Unexpected(IoError("fsync", tmp_path, errno));
  }
  if (written && ::linkat(dir, tmp.c_str(), dir, kKeyFile, 0) != 0 && errno != EEXIST) {
    written = Unexpected(IoError("link", dir_path + "/" + kKeyFile, errno));
  }
  ::unlinkat(dir, tmp.c_str(), 0);  // best effort: the key lives on under its final name
  if (written && ::fsync(dir) != 0) written = Unexpected(IoError("fsync", dir_path, errno));
  return written;
}

// The NOISETT_LINK_KEYS grammar; `source` names where the text came from in error messages.
Result<LinkKeySet> ParseKeys(std::string_view spec, const std::string& source) {
  if (Trim(spec).empty()) return Unexpected(KeyError("link_keys_empty", source + " is empty"));
  std::vector<LinkKey> keys;
  size_t n = 0;
  for (bool more = true; more;) {
    const size_t comma = spec.find(',');
    more = comma != std::string_view::npos;
    const std::string_view entry = Trim(spec.substr(0, comma));
    spec = more ? spec.substr(comma + 1) : std::string_view();
    const std::string where = source + " entry " + std::to_string(++n);
    const size_t colon = entry.find(':');
    if (colon == std::string_view::npos) {
      return Unexpected(KeyError("link_key_malformed", where + " is not 'id:BASE64SECRET'"));
    }
    const std::string_view id = entry.substr(0, colon);
    if (!IsValidLinkKeyId(id)) {
      return Unexpected(KeyError("link_key_bad_id", where + ": ids are [A-Za-z0-9_-]{1,32}"));
    }
    const std::string named = where + " ('" + std::string(id) + "')";
    for (const auto& earlier : keys) {
      if (earlier.id == id) {
        return Unexpected(KeyError("link_key_duplicate_id", named + ": the id appears twice"));
      }
    }
    auto secret = Base64Decode(entry.substr(colon + 1));
    if (!secret) {
      return Unexpected(
          KeyError("link_key_bad_base64", named + ": the secret is not standard padded base64"));
    }
    if (secret->size() < kMinLinkSecretBytes) {
      return Unexpected(KeyError("link_key_short_secret",
                                 named + ": the secret decodes to " +
                                     std::to_string(secret->size()) +
                                     " bytes; at least 32 are needed (openssl rand -base64 32)"));
    }
    keys.push_back(LinkKey{std::string(id), std::move(*secret)});
  }
  return LinkKeySet::Create(std::move(keys));
}

}  // namespace

bool IsValidLinkKeyId(std::string_view id) {
  if (id.empty() || id.size() > kMaxLinkKeyIdChars) return false;
  for (char c : id) {
    const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                    c == '_' || c == '-';
    if (!ok) return false;
  }
  return true;
}

Result<LinkKeySet> LinkKeySet::Create(std::vector<LinkKey> keys) {
  if (keys.empty()) return Unexpected(KeyError("link_keys_empty", "no link keys configured"));
  for (size_t i = 0; i < keys.size(); ++i) {
    if (!IsValidLinkKeyId(keys[i].id)) {
      return Unexpected(KeyError("link_key_bad_id", "link key ids are [A-Za-z0-9_-]{1,32}"));
    }
    if (keys[i].secret.size() < kMinLinkSecretBytes) {
      return Unexpected(KeyError("link_key_short_secret",
                                 "link key '" + keys[i].id + "' is shorter than 32 bytes"));
    }
    for (size_t j = 0; j < i; ++j) {
      if (keys[j].id == keys[i].id) {
        return Unexpected(
            KeyError("link_key_duplicate_id", "link key id '" + keys[i].id + "' appears twice"));
      }
    }
  }
  return LinkKeySet(std::move(keys));
}

const LinkKey* LinkKeySet::Find(std::string_view id) const {
  for (const auto& key : keys_) {
    if (key.id == id) return &key;
  }
  return nullptr;
}

Result<LinkKeySet> ParseLinkKeys(std::string_view spec) {
  return ParseKeys(spec, "NOISETT_LINK_KEYS");
}

Result<LinkKeySet> LoadOrCreateDataDirLinkKey(const std::string& data_dir) {
  const std::string dir_path = data_dir + "/" + kKeyDir;
  const std::string file_path = dir_path + "/" + kKeyFile;
  auto opened = OpenKeyDir(data_dir);
  if (!opened) return Unexpected(opened.error());
  Fd dir(*opened);
  if (auto ok = CheckPrivate(dir.get(), dir_path, true); !ok) return Unexpected(ok.error());
  auto text = ReadKeyFile(dir.get(), file_path);
  if (!text) return Unexpected(text.error());
  if (!*text) {
    if (auto created = CreateKeyFile(dir.get(), dir_path); !created) {
      return Unexpected(created.error());
    }
    // Read back rather than use what we wrote: another process may have won the race.
    text = ReadKeyFile(dir.get(), file_path);
    if (!text) return Unexpected(text.error());
    if (!*text) return Unexpected(IoError("open", file_path, ENOENT));
  }
  return ParseKeys(**text, file_path);
}

Result<LinkKeySet> LoadLinkKeys(const std::optional<std::string>& env_value,
                                const std::string& data_dir) {
  if (env_value) return ParseLinkKeys(*env_value);
  return LoadOrCreateDataDirLinkKey(data_dir);
}

}  // namespace noisett::storage
