// OpenSslError: the Error it makes, and the per-thread queue it leaves empty.
#include "crypto/openssl_error.h"

#include <gtest/gtest.h>
#include <openssl/err.h>
#include <openssl/evp.h>

#include <thread>

namespace noisett::crypto {
namespace {

// Queues a real OpenSSL error on this thread: a digest that does not exist.
void FailSomething() {
  EXPECT_EQ(EVP_MD_fetch(nullptr, "no-such-digest", nullptr), nullptr);
  ASSERT_NE(ERR_peek_error(), 0u);
}

TEST(OpenSslErrorTest, KeepsTheCallersCodeReasonAndMessage) {
  FailSomething();
  const Error e = OpenSslError(ErrorCode::kInternal, "crypto_failure", "OpenSSL failed: hashing");
  EXPECT_EQ(e.code, ErrorCode::kInternal);
  EXPECT_EQ(e.reason, "crypto_failure");
  EXPECT_EQ(e.message, "OpenSSL failed: hashing");  // nothing of the queue's own text
}

TEST(OpenSslErrorTest, DrainsThisThreadsQueue) {
  FailSomething();
  FailSomething();
  (void)OpenSslError(ErrorCode::kInvalidArgument, "bad_key", "not a key");
  EXPECT_EQ(ERR_peek_error(), 0u);
}

TEST(OpenSslErrorTest, LeavesOtherThreadsQueuesAlone) {
  FailSomething();
  std::thread([] { (void)OpenSslError(ErrorCode::kInternal, "x", "y"); }).join();
  EXPECT_NE(ERR_peek_error(), 0u);  // the queue is per thread
  ERR_clear_error();
}

}  // namespace
}  // namespace noisett::crypto
