#include "net/oci/ocilistpager.h"

#include <QMetaObject>
#include <QUrlQuery>

#include <algorithm>
#include <utility>

namespace Berth {

namespace {
// A server that answers page after page with nothing but a next link is broken or hostile;
// stop after this many instead of looping (a prefix search may legitimately skip pages, but
// filtered pages are not empty server pages).
constexpr int MaxEmptyPagesInARow = 50;
} // namespace

OciListPager::OciListPager(RegistryClient *client, QObject *parent)
    : Pager(parent)
    , m_client(client)
{}

OciListPager::~OciListPager()
{
    cancelJobs();
}

bool OciListPager::hasMore() const
{
    return !m_started || !m_buffer.isEmpty() || !m_next.isEmpty();
}

bool OciListPager::holdsWholeList() const
{
    return m_started && m_serverPages == 1 && m_next.isEmpty();
}

QStringList OciListPager::takeRemaining()
{
    QStringList names = std::exchange(m_buffer, {});
    m_handedOut += names.size();
    return names;
}

void OciListPager::setPageSize(int n)
{
    m_pageSize = std::max(1, n);
}

void OciListPager::cancel()
{
    ++m_generation;
    cancelJobs();
    m_fetching = false;
}

void OciListPager::fetchNext()
{
    if (m_fetching || !hasMore() || !m_client)
        return;
    m_fetching = true;
    if (!m_buffer.isEmpty()) {
        // Never synchronously: the caller (a model in fetchMore) is not ready for rows yet.
        const quint64 generation = m_generation;
        QMetaObject::invokeMethod(
                this,
                [this, generation] {
                    if (generation == m_generation)
                        handOut();
                },
                Qt::QueuedConnection);
        return;
    }
    requestNext();
}

void OciListPager::requestNext()
{
    m_requested = m_next;
    const quint64 generation = m_generation;
    // A person waits for every listing page (the view asked for it).
    track(requestPage(m_next, Priority::Interactive))
            ->onFinished(this, [this, generation](const Result<NamesPage> &result) {
                onPage(generation, result);
            });
}

void OciListPager::onPage(quint64 generation, const Result<NamesPage> &result)
{
    if (generation != m_generation)
        return;
    if (!result.ok()) {
        m_fetching = false;
        Q_EMIT failed(result.error());
        return;
    }
    m_started = true;
    ++m_serverPages;
    QStringList names = result->names;
    QUrl next = result->next;
    if (next == m_requested && !next.isEmpty())
        next.clear(); // a link to itself would loop

    // A server that ignores `last` starts over: drop what was already received.
    if (!m_lastReceived.isEmpty() && QUrlQuery(m_requested).hasQueryItem(QStringLiteral("last"))) {
        const qsizetype seen = names.indexOf(m_lastReceived);
        if (seen >= 0) {
            names = names.mid(seen + 1);
            if (names.isEmpty())
                next.clear();
        }
    }
    if (!names.isEmpty())
        m_lastReceived = names.constLast();

    bool stop = false;
    const bool serverPageEmpty = names.isEmpty();
    filterPage(names, stop);
    m_next = stop ? QUrl() : next;
    m_buffer += names;
    if (m_next.isEmpty())
        m_total = m_handedOut + m_buffer.size();

    if (m_buffer.isEmpty() && !m_next.isEmpty()) {
        // Nothing to show from this page (filtered out or empty): fetch the next one instead
        // of handing an empty page to the view.
        m_emptyPagesInARow = serverPageEmpty ? m_emptyPagesInARow + 1 : 0;
        if (m_emptyPagesInARow < MaxEmptyPagesInARow) {
            requestNext();
            return;
        }
        m_next.clear();
        m_total = m_handedOut;
    }
    m_emptyPagesInARow = 0;
    handOut();
}

void OciListPager::handOut()
{
    const QStringList page = m_buffer.mid(0, m_pageSize);
    m_buffer.remove(0, page.size());
    m_handedOut += page.size();
    m_fetching = false;
    Q_EMIT pageReady(page);
}

} // namespace Berth
