// The errors of the Catalog contract (catalog.h's "Error reasons") and of the job queue
// (job_queue.h) that SqliteCatalog and PostgresCatalog both answer with, made in one place so the
// two give the same code, reason and message (the service gives JobFull too, for an upload into a
// full job) (postgres_errors.cc gives them too, when a constraint catches what a check did not).
// Errors about a call's inputs are catalog_validation.h's; errors of a database itself (busy,
// unreachable) are each adapter's (sqlite_db.cc, postgres_errors.cc).
#pragma once

#include <utility>

#include "catalog/reasons.h"
#include "core/error.h"

namespace noisett::catalog {

// kNotFound "job_not_found": missing, another user's, or (where the call says so) soft-deleted.
inline Error JobNotFound() {
  return MakeError(ErrorCode::kNotFound, std::string(reason::kJobNotFound), "no such job");
}

// kNotFound "image_not_found": the job holds no image at that index.
inline Error ImageNotFound() {
  return MakeError(ErrorCode::kNotFound, std::string(reason::kImageNotFound),
                   "no such image in this job");
}

inline Error UserNotFound() {
  return MakeError(ErrorCode::kNotFound, std::string(reason::kUserNotFound), "no such user");
}

// kConflict "job_exists": job ids are server-made and globally unique, so saying the id is taken
// reveals nothing about other users.
inline Error JobExists() {
  return MakeError(ErrorCode::kConflict, std::string(reason::kJobExists), "job id in use");
}

// kConflict "job_full": a job holds kMaxImagesPerJob images at most.
inline Error JobFull() {
  return MakeError(ErrorCode::kConflict, std::string(reason::kJobFull),
                   "a job holds at most 8 images");
}

// kConflict "image_exists" from AddImage: the job already holds an image at that index.
inline Error ImageIndexTaken() {
  return MakeError(ErrorCode::kConflict, std::string(reason::kImageExists), "image index taken");
}

// kConflict "lease_lost" from the job queue: the calling instance no longer holds the job's lease
// (another instance took it over after it expired, or it was released or the job finished).
inline Error LeaseLost() {
  return MakeError(ErrorCode::kConflict, std::string(reason::kLeaseLost),
                   "this instance no longer holds the job's lease");
}

// kInvalidArgument "bad_job" from the job queue: what was asked of a job cannot be (the message
// says which rule).
inline Error BadJob(std::string message) {
  return MakeError(ErrorCode::kInvalidArgument, std::string(reason::kBadJob), std::move(message));
}

}  // namespace noisett::catalog
