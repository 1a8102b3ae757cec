#include <gtest/gtest.h>

#include "core/send_pacer.hpp"

using namespace kefu;

TEST(SendPacer, KeepsWithinTheWindowWithSomeSlack) {
    SendPacer p;
    p.setLimit(3, 1000); // span: 1000 + 100 + 200 ms
    EXPECT_EQ(p.budget(0), 3);
    for (int i = 0; i < 3; ++i) p.wrote(0);
    EXPECT_EQ(p.budget(0), 0);
    EXPECT_EQ(p.waitMs(0), 1300);
    EXPECT_EQ(p.budget(1299), 0);
    EXPECT_EQ(p.budget(1300), 3);
}

TEST(SendPacer, ARateRefusalPausesForAWholeWindow) {
    SendPacer p;
    p.setLimit(20, 10000);
    p.wrote(0);
    p.pause(500);
    EXPECT_EQ(p.budget(10499), 0);
    EXPECT_EQ(p.waitMs(500), 10000);
    EXPECT_EQ(p.budget(10500), 19);
}

TEST(SendPacer, NoLimitMeansNoWait) {
    SendPacer p;
    p.setLimit(0, 0);
    for (int i = 0; i < 100; ++i) p.wrote(0);
    EXPECT_GT(p.budget(0), 100);
    EXPECT_EQ(p.waitMs(0), 0);
}
