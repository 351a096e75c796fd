// The Catalog interface: each person's generations (jobs), their images, favorites and users.
// SQLite on the embedded default, PostgreSQL at scale; both satisfy the same tests. Every call
// names the user: a job of another user is answered exactly like a missing one (kNotFound), so
// ids cannot be probed. Times are seconds since the epoch. A soft-deleted job is, for every call
// but GetGeneration(include_deleted) / Restore / Purge / SoftDelete, a missing job.
//
// Thread safety: every implementation is safe to share between threads.
//
// Error reasons: kNotFound "job_not_found" / "image_not_found" / "user_not_found";
// kConflict "job_exists" / "job_full" (8 images) / "image_exists"; kInvalidArgument
// "bad_cursor" / "bad_limit" / "bad_image_index" / "bad_access_tier"; kUnavailable
// "catalog_unavailable" (cannot reach or open the database) / "catalog_busy" (the write lock
// stayed taken past the busy timeout; retryable).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "catalog/job_queue.h"
#include "core/result.h"

namespace noisett::catalog {

inline constexpr int kMaxImagesPerJob = 8;

struct UserRecord {
  std::string user_id;
  std::string email;
  std::string name;
  std::string subscription_tier = "free";
  int64_t created_at = 0;
};

// One extra encoding of an image (issue 23): AVIF or WebP fitted inside size x size, a blob
// beside the image (RenditionBlobPath in core/blob_paths.h) with its own links.
struct Rendition {
  std::string format;  // "avif" or "webp"
  int size = 0;        // the box it was fitted in: 256, 512, 1024 or 2048
  int width = 0;       // its pixels (never more than the image's own)
  int height = 0;
  uint64_t bytes = 0;

  friend bool operator==(const Rendition&, const Rendition&) = default;
};

// Where an image's renditions are. kNone: none will be made (stored before renditions existed,
// or with renditions off); kPending: asked for, not made yet (the server makes them in the
// background, ListPendingRenditions finds those a crash left); kReady: `renditions` lists them.
enum class RenditionState { kNone, kPending, kReady };
std::string_view RenditionStateName(RenditionState state);  // "none", "pending", "ready"

struct ImageRecord {
  int index = 0;        // 0..7
  int64_t seed = 0;
  std::string blob_path;       // generated/{user}/{job}/image_{i}.jpg
  std::string thumbnail_path;  // generated/{user}/{job}/thumb_image_{i}.jpg
  uint64_t bytes = 0;
  uint64_t thumbnail_bytes = 0;
  int width = 0;
  int height = 0;
  std::string content_type;
  // The access tier the image's blobs were last seen in: "hot", "cool", "cold" or "archive".
  // Kept by the local sweeper, images.rehydrate and reads that find the blob archived; on Azure,
  // Azure moves tiers itself, so this is what Noisett last saw.
  std::string access_tier = "hot";
  // Read-only: whether the job's owner marked this image a favorite (GetGeneration,
  // ListGenerations and ScanGenerations fill it; writes ignore it).
  bool favorite = false;
  // The thumbnail's ThumbHash (image/thumbhash.h), base64: a placeholder a browser paints until
  // the thumbnail arrives. Empty for images stored before it existed.
  std::string thumbhash;
  RenditionState renditions_state = RenditionState::kNone;
  std::vector<Rendition> renditions;  // kReady only; by format, then size

  friend bool operator==(const ImageRecord&, const ImageRecord&) = default;
};

// True for the values ImageRecord::access_tier takes. Writes of any other value (InsertGeneration,
// AddImage, SetImageTier) are refused with kInvalidArgument "bad_access_tier".
inline bool IsAccessTier(std::string_view tier) {
  return tier == "hot" || tier == "cool" || tier == "cold" || tier == "archive";
}

struct Generation {
  std::string job_id;  // server-made, time-ordered
  std::string user_id;
  std::string prompt;
  std::string asset_type;
  std::string quality;
  std::string model;
  int64_t created_at = 0;
  std::optional<int64_t> deleted_at;  // set while soft-deleted
  std::vector<ImageRecord> images;    // by index
};

// The image of `job` at `index`, or null.
inline const ImageRecord* FindImage(const Generation& job, int index) {
  for (const ImageRecord& image : job.images) {
    if (image.index == index) return &image;
  }
  return nullptr;
}

// Keyset pagination: `cursor` is opaque (from the previous page's next_cursor), newest first.
struct PageRequest {
  int limit = 50;  // 1..200
  std::string cursor;
};

struct GenerationPage {
  std::vector<Generation> items;
  std::string next_cursor;  // empty on the last page
  int64_t total_count = 0;  // all of the user's live generations
};

struct Favorite {
  std::string job_id;
  int image_index = 0;
  int64_t created_at = 0;  // when it was favorited
  std::string prompt;
  // The favorited image as GetGeneration gives it (paths, sizes, type, access tier; `favorite`
  // is true), read with the page so a list needs no lookup per favorite.
  ImageRecord image;
};

struct FavoritePage {
  std::vector<Favorite> items;
  std::string next_cursor;
  int64_t total_count = 0;
};

// One page of ScanGenerations.
struct ScanPage {
  std::vector<Generation> items;  // by job_id ascending, deleted ones included, with images
  std::string next_after;         // the job_id to pass next; empty on the last page
};

struct StorageTotals {
  int64_t total_images = 0;
  uint64_t total_bytes = 0;
  int64_t total_thumbnails = 0;
  uint64_t thumbnail_bytes = 0;
  int64_t total_renditions = 0;
  uint64_t rendition_bytes = 0;
};

// An image whose renditions are pending (ListPendingRenditions).
struct PendingRendition {
  std::string user_id;
  std::string job_id;
  int index = 0;
  std::string blob_path;  // the full image, the renditions' source
  int64_t created_at = 0;  // the job's
};

class Catalog {
 public:
  virtual ~Catalog() = default;

  // A new user is stored as given (subscription_tier included: the service passes its default
  // tier); an existing one gets the new email and name but keeps its tier and created_at.
  virtual Status UpsertUser(const UserRecord& user) = 0;
  // Errors: "user_not_found".
  virtual Result<UserRecord> GetUser(std::string_view user_id) = 0;
  // Sets the user's subscription tier (free, basic, pro, enterprise; the caller checks the
  // name). Errors: "user_not_found".
  virtual Status SetUserTier(std::string_view user_id, std::string_view tier) = 0;

  // A new generation with its images, all or nothing. deleted_at is stored as given (rebuilds).
  // Errors: "job_exists" (the id is taken, by anyone: ids are server-made), "job_full" (more
  // than 8 images), "image_exists" (an index twice), "bad_image_index" (outside 0..7).
  virtual Status InsertGeneration(const Generation& generation) = 0;
  // One more image in one of the user's live jobs. Errors: "job_not_found", "job_full" (the job
  // already holds kMaxImagesPerJob), "bad_image_index", "image_exists".
  virtual Status AddImage(std::string_view user_id, std::string_view job_id,
                          const ImageRecord& image) = 0;

  // The job with its images by index. Errors: "job_not_found" (also for a soft-deleted job
  // unless include_deleted).
  virtual Result<Generation> GetGeneration(std::string_view user_id, std::string_view job_id,
                                           bool include_deleted = false) = 0;
  // The user's live jobs, newest first by (created_at, job_id) descending, with their images.
  // Errors: "bad_limit" (outside 1..200), "bad_cursor" (not a next_cursor of this list).
  virtual Result<GenerationPage> ListGenerations(std::string_view user_id,
                                                 const PageRequest& page) = 0;

  // Soft delete (hidden from lists, gets, favorites and totals) and its undo; Purge removes the
  // job with its images and favorites for good, deleted or not. Deleting a deleted job keeps the
  // first deleted_at; restoring a live job does nothing. The restore window is the caller's rule
  // (GetGeneration(include_deleted) shows deleted_at). Errors: "job_not_found".
  virtual Status SoftDeleteGeneration(std::string_view user_id, std::string_view job_id,
                                      int64_t now) = 0;
  virtual Status RestoreGeneration(std::string_view user_id, std::string_view job_id) = 0;
  virtual Status PurgeGeneration(std::string_view user_id, std::string_view job_id) = 0;

  // Retention removed one image of a job (live or soft-deleted): its row and its favorites go.
  // Returns the number of images the job has left (the caller decides what an empty job
  // becomes). Errors: "job_not_found", "image_not_found".
  virtual Result<int> RemoveImage(std::string_view user_id, std::string_view job_id,
                                  int image_index) = 0;
  // Records the tier an image's blobs are in (ImageRecord::access_tier), for a live or
  // soft-deleted job. Errors: "job_not_found", "image_not_found".
  virtual Status SetImageTier(std::string_view user_id, std::string_view job_id, int image_index,
                              std::string_view access_tier) = 0;

  // Records the renditions made for one image of a live job: the state becomes kReady (an empty
  // list is kReady too: nothing could be made, and nothing will be tried again). Errors:
  // "job_not_found" (also when the job was soft-deleted meanwhile), "image_not_found",
  // kInvalidArgument "bad_rendition" (a format other than avif/webp, sizes out of range).
  virtual Status SetRenditions(std::string_view user_id, std::string_view job_id, int image_index,
                               const std::vector<Rendition>& renditions) = 0;
  // Images of live jobs whose renditions are pending and whose job was created at or before
  // `created_before` (seconds), oldest job first, at most `limit` (1..1000). Errors: "bad_limit".
  virtual Result<std::vector<PendingRendition>> ListPendingRenditions(int64_t created_before,
                                                                      int limit) = 0;

  // Add and remove are idempotent (a repeated add keeps the first created_at); the image must
  // exist in one of the user's live jobs. Errors: "job_not_found", "image_not_found" (no image at
  // that index, or not 0..7).
  virtual Status AddFavorite(std::string_view user_id, std::string_view job_id, int image_index,
                             int64_t now) = 0;
  virtual Status RemoveFavorite(std::string_view user_id, std::string_view job_id,
                                int image_index) = 0;
  // Favorites on the user's live jobs, newest first by (created_at, job_id, image_index)
  // descending, each with its image; those of a soft-deleted job reappear on restore. One
  // query per page (no read per favorite). Errors as ListGenerations.
  virtual Result<FavoritePage> ListFavorites(std::string_view user_id,
                                             const PageRequest& page) = 0;

  // Images, bytes, thumbnails (images with a thumbnail path) and their bytes over the user's live
  // jobs; zeros for an unknown user.
  virtual Result<StorageTotals> Totals(std::string_view user_id) = 0;

  // Every generation of every user, soft-deleted ones too, by job_id ascending, with images: the
  // catalog side of fsck and rebuild (operators only, never reachable from a request). `after`
  // is the previous page's next_after ("" for the first page). Errors: "bad_limit" (outside
  // 1..1000).
  virtual Result<ScanPage> ScanGenerations(std::string_view after, int limit) = 0;

  // The user's version: a number that grows in the same transaction as every change to what the
  // user's history and favorites show (their generations, images, favorites, the status of their
  // generation jobs, their user row), whoever makes it: this catalog, another instance or process
  // on the same database, or a tool writing the tables directly (the schema's triggers keep it,
  // migration 6). 0 for a user nothing was written for. Never goes back on one database. A cache
  // of an answer stamped with the version read before the answer was read is current while the
  // version stays the same. One primary-key read.
  virtual Result<int64_t> UserVersion(std::string_view user_id) = 0;

  // Reachable (for /readyz).
  virtual Status CheckReady() = 0;

  // The durable queue of generation jobs, in this catalog's database beside the generations it
  // fills (job_queue.h). Lives as long as the catalog; as thread-safe as it.
  virtual JobQueue& jobs() = 0;
};

}  // namespace noisett::catalog
