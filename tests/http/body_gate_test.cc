// BodyGate on its own: the byte budget, the order waiters are admitted in, a body larger than
// the budget, and tickets giving their bytes back.
#include "http/body_gate.h"

#include <gtest/gtest.h>

#include <map>
#include <optional>
#include <vector>

namespace noisett::http {
namespace {

TEST(BodyGateTest, AdmitsWhileTheBytesFitThenQueuesInOrder) {
  BodyGate gate(100);
  // A map: admitting a waiter inserts while another ticket's Reset is running.
  std::map<int, BodyGate::Ticket> held;
  std::vector<int> admitted;
  for (int i = 0; i < 5; ++i) {
    gate.Acquire(40, [&, i](BodyGate::Ticket t) {
      admitted.push_back(i);
      held.emplace(i, std::move(t));
    });
  }
  EXPECT_EQ(admitted, (std::vector<int>{0, 1}));  // 80 of 100: a third 40 does not fit
  EXPECT_EQ(gate.held_bytes(), 80u);
  EXPECT_EQ(gate.waiting(), 3u);

  held.at(0).Reset();  // 40 back: room for the oldest waiter, nobody else
  EXPECT_EQ(admitted, (std::vector<int>{0, 1, 2}));
  EXPECT_EQ(gate.waiting(), 2u);
  EXPECT_FALSE(held.at(0).held());
  EXPECT_TRUE(held.at(2).held());

  held.at(1).Reset();
  held.at(2).Reset();  // 80 back at once: both remaining waiters fit together
  EXPECT_EQ(admitted, (std::vector<int>{0, 1, 2, 3, 4}));
  EXPECT_EQ(gate.waiting(), 0u);
  EXPECT_EQ(gate.held_bytes(), 80u);
  held.clear();
  EXPECT_EQ(gate.held_bytes(), 0u);
}

TEST(BodyGateTest, FreedBytesAreNotTakenByANewcomerAheadOfTheQueue) {
  BodyGate gate(100);
  std::optional<BodyGate::Ticket> first;
  std::optional<BodyGate::Ticket> second;
  gate.Acquire(60, [&](BodyGate::Ticket t) { first.emplace(std::move(t)); });
  gate.Acquire(60, [&](BodyGate::Ticket t) { second.emplace(std::move(t)); });
  ASSERT_TRUE(first && !second);
  bool small = false;
  gate.Acquire(10, [&](BodyGate::Ticket) { small = true; });
  EXPECT_FALSE(small);  // 10 would fit beside 60, but the larger one came first
  first.reset();
  ASSERT_TRUE(second && second->held());
  EXPECT_TRUE(small);  // 60 + 10 fit: admitted right behind it
  bool newcomer = false;
  gate.Acquire(60, [&](BodyGate::Ticket) { newcomer = true; });
  EXPECT_FALSE(newcomer);
  second.reset();
  EXPECT_TRUE(newcomer);
}

TEST(BodyGateTest, ABodyLargerThanTheBudgetIsAdmittedAlone) {
  BodyGate gate(100);
  std::optional<BodyGate::Ticket> small;
  std::optional<BodyGate::Ticket> huge;
  gate.Acquire(10, [&](BodyGate::Ticket t) { small.emplace(std::move(t)); });
  gate.Acquire(500, [&](BodyGate::Ticket t) { huge.emplace(std::move(t)); });
  EXPECT_FALSE(huge);  // it waits for everything held to go back ...
  small.reset();
  ASSERT_TRUE(huge);  // ... then passes, however large
  EXPECT_EQ(gate.held_bytes(), 500u);
  bool next = false;
  gate.Acquire(1, [&](BodyGate::Ticket) { next = true; });
  EXPECT_FALSE(next);  // and nothing else is read beside it
  huge.reset();
  EXPECT_TRUE(next);
}

TEST(BodyGateTest, MovedTicketsGiveTheirBytesBackOnce) {
  BodyGate gate(10);
  BodyGate::Ticket kept;
  gate.Acquire(10, [&](BodyGate::Ticket t) { kept = std::move(t); });
  BodyGate::Ticket moved = std::move(kept);
  EXPECT_FALSE(kept.held());
  EXPECT_TRUE(moved.held());
  kept.Reset();  // empty: gives nothing back
  EXPECT_EQ(gate.held_bytes(), 10u);
  int admitted = 0;
  gate.Acquire(10, [&](BodyGate::Ticket) { ++admitted; });
  EXPECT_EQ(admitted, 0);
  moved.Reset();
  EXPECT_EQ(admitted, 1);  // its ticket went at once, when the callback returned
  EXPECT_EQ(gate.held_bytes(), 0u);
  gate.Acquire(10, [&](BodyGate::Ticket) { ++admitted; });
  EXPECT_EQ(admitted, 2);
}

TEST(BodyGateTest, DroppedWaitersAreNeverCalled) {
  BodyGate gate(1);
  BodyGate::Ticket held;
  gate.Acquire(1, [&](BodyGate::Ticket t) { held = std::move(t); });
  bool called = false;
  gate.Acquire(1, [&](BodyGate::Ticket) { called = true; });
  gate.DropWaiters();
  EXPECT_EQ(gate.waiting(), 0u);
  held.Reset();
  EXPECT_FALSE(called);
  EXPECT_EQ(gate.held_bytes(), 0u);
}

}  // namespace
}  // namespace noisett::http
