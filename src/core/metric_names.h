// The names (and help texts) of Noisett's metrics on GET /metrics, in one place: the code that
// counts, cost.estimate that reads them back, deploy/prometheus/alerts.yml and the tests all
// spell them the same way. Prometheus conventions: snake_case, a noisett_ prefix, base units
// (bytes, seconds), _total on counters.
#pragma once

#include <string_view>

namespace noisett::metrics::names {

// Gauges {tier="hot|cool|cold|archive"}, from a store scan at scrape time (every version and
// soft-deleted blob included, as Azure bills them).
inline constexpr std::string_view kUsedCapacity = "noisett_blob_used_capacity_bytes";
inline constexpr std::string_view kUsedCapacityHelp =
    "Bytes stored per access tier (every version and soft-deleted blob included)";
inline constexpr std::string_view kBlobs = "noisett_blobs";
inline constexpr std::string_view kBlobsHelp = "Blobs stored per access tier (versions included)";
// Counter: capacity scans that failed (the gauges then keep their previous values).
inline constexpr std::string_view kCapacityScanErrors = "noisett_capacity_scan_errors_total";
inline constexpr std::string_view kCapacityScanErrorsHelp =
    "Store scans for the capacity gauges that failed";
// Counter {op, result}: result "ok" or the store's error reason ("BlobNotFound", ...).
inline constexpr std::string_view kBlobOperations = "noisett_blob_operations_total";
inline constexpr std::string_view kBlobOperationsHelp = "Blob store operations by kind and result";
// Counter {kind="image|thumbnail|other"}: body bytes sent for signed-link reads.
inline constexpr std::string_view kEgressBytes = "noisett_egress_bytes_total";
inline constexpr std::string_view kEgressBytesHelp = "Body bytes served for signed-link reads";
// Histogram {method, route, status_class}: route is the router's pattern, "other" when none.
inline constexpr std::string_view kRequestDuration = "noisett_http_request_duration_seconds";
inline constexpr std::string_view kRequestDurationHelp =
    "HTTP request duration, from the first byte read to the last byte written";
// Counter {result}: "ok", "anonymous" or the refusal reason ("expired", "bad_signature", ...).
inline constexpr std::string_view kTokenValidations = "noisett_token_validations_total";
inline constexpr std::string_view kTokenValidationsHelp = "Bearer token checks by result";
// Histogram: one image through decode, resize, encode (upload).
inline constexpr std::string_view kPipelineDuration = "noisett_image_pipeline_duration_seconds";
inline constexpr std::string_view kPipelineDurationHelp = "Image pipeline duration per upload";
// Counter {result}: images whose renditions were made ("ok"), could not be made and never will
// ("failed": the image does not decode), or were left pending for the sweep ("retry").
inline constexpr std::string_view kRenditions = "noisett_renditions_total";
inline constexpr std::string_view kRenditionsHelp = "Images whose renditions were made, by result";
// Histogram: one image's renditions, decode to the last blob written (background, off the
// request path).
inline constexpr std::string_view kRenditionDuration = "noisett_rendition_duration_seconds";
inline constexpr std::string_view kRenditionDurationHelp =
    "Time to make and store one image's renditions (in the background)";
// Gauge: images waiting for their renditions on this instance.
inline constexpr std::string_view kRenditionQueue = "noisett_rendition_queue";
inline constexpr std::string_view kRenditionQueueHelp = "Images waiting for their renditions";
inline constexpr std::string_view kGeneratorDuration = "noisett_generator_duration_seconds";
inline constexpr std::string_view kGeneratorDurationHelp =
    "Time the image generator took per generate request (all its images)";
// Generation jobs (issue 22): gauges of jobs queued (all instances) and running on this one;
// the duration of finished jobs {generator}; jobs finished {generator, outcome}.
inline constexpr std::string_view kJobsQueued = "noisett_generate_jobs_queued";
inline constexpr std::string_view kJobsQueuedHelp = "Generation jobs waiting for a runner";
inline constexpr std::string_view kJobsRunning = "noisett_generate_jobs_running";
inline constexpr std::string_view kJobsRunningHelp = "Generation jobs this instance runs now";
inline constexpr std::string_view kJobDuration = "noisett_generate_job_duration_seconds";
inline constexpr std::string_view kJobDurationHelp =
    "Generation job duration on this instance, from its claim to its finish";
inline constexpr std::string_view kJobsFinished = "noisett_generate_jobs_total";
inline constexpr std::string_view kJobsFinishedHelp = "Generation jobs finished, by outcome";
// Counters {action}: what the lifecycle sweep did (tier_to_cool, delete, ...), and the bytes.
inline constexpr std::string_view kLifecycleActions = "noisett_lifecycle_actions_total";
inline constexpr std::string_view kLifecycleActionsHelp = "Blobs the lifecycle sweep acted on";
inline constexpr std::string_view kLifecycleBytes = "noisett_lifecycle_bytes_total";
inline constexpr std::string_view kLifecycleBytesHelp =
    "Bytes of the blobs the lifecycle sweep acted on";

// Counter {list="history|favorites", result="hit|miss|uncached"}: list answers served from the
// answer cache (service/list_answers.h), built after a miss, or built with the cache off.
inline constexpr std::string_view kListAnswers = "noisett_list_answers_total";
inline constexpr std::string_view kListAnswersHelp =
    "List answers (history, favorites) by whether the answer cache had them";

}  // namespace noisett::metrics::names
