#include "synthetictagpager.h"

#include "imagebuilder.h"

#include <QMetaObject>

namespace Berth::Test {

SyntheticTagPager::SyntheticTagPager(qint64 count, QObject *parent)
    : Pager(parent)
    , m_count(count)
{}

void SyntheticTagPager::fetchNext()
{
    if (m_fetching || !hasMore())
        return;
    m_fetching = true;
    const quint64 generation = m_generation;
    // Never synchronously, as the Pager contract says.
    QMetaObject::invokeMethod(
            this, [this, generation] { handOut(generation); }, Qt::QueuedConnection);
}

void SyntheticTagPager::cancel()
{
    ++m_generation;
    m_fetching = false;
}

void SyntheticTagPager::handOut(quint64 generation)
{
    if (generation != m_generation)
        return;
    const qint64 end = qMin(m_count, m_next + m_pageSize);
    QStringList names;
    names.reserve(end - m_next);
    for (qint64 i = m_next; i < end; ++i)
        names.append(ImageBuilder::manyTagName(int(i)));
    m_next = end;
    m_fetching = false;
    Q_EMIT pageReady(names);
}

} // namespace Berth::Test
