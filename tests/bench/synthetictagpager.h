#pragma once

#include "net/backend/pager.h"

namespace Berth::Test {

//! Hands out count synthetic tag names (ImageBuilder::manyTagName shapes: "v0.1.5",
//! "build-00001", "nightly-2", ...) a page at a time from the event loop, as a registry that
//! pages would. Each page's names are created fresh and dropped by the pager once handed out,
//! so what stays in memory is what the model keeps.
class SyntheticTagPager final : public Pager
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(SyntheticTagPager)
public:
    SyntheticTagPager(qint64 count, QObject *parent = nullptr);

    void fetchNext() override;
    bool hasMore() const override { return m_next < m_count; }
    bool isFetching() const override { return m_fetching; }
    qint64 totalCount() const override { return m_count; }
    void cancel() override;
    void setPageSize(int n) override { m_pageSize = qMax(1, n); }

private:
    void handOut(quint64 generation);

    qint64 m_count;
    qint64 m_next = 0;
    int m_pageSize = 100;
    quint64 m_generation = 0;
    bool m_fetching = false;
};

} // namespace Berth::Test
