#include "net/harbor/harbortagpager.h"

#include "net/core/digest.h"
#include "net/core/servertext.h"

#include <QMetaObject>

#include <algorithm>
#include <cmath>

using namespace Qt::StringLiterals;

namespace Berth {

HarborTagPager::HarborTagPager(HarborApi *api, const QString &repository, const TagQuery &query,
                               QObject *parent)
    : Pager(parent)
    , m_api(api)
    , m_repository(repository)
    , m_repositoryPath(api ? api->repositoryPath(repository) : QString())
    , m_query(query)
{}

HarborTagPager::~HarborTagPager()
{
    cancelJobs();
}

bool HarborTagPager::hasMore() const
{
    return !m_done;
}

qint64 HarborTagPager::totalCount() const
{
    if (m_done)
        return m_handedOut;
    // Known once every artifact and the tag count of each is known (one artifact with 100,000
    // tags: after the first page).
    if (m_artifactTotal >= 0 && m_artifactsWithTagTotal == m_artifactTotal)
        return m_tagTotalSum;
    return -1;
}

void HarborTagPager::setPageSize(int n)
{
    m_pageSize = std::clamp(n, 1, int(HarborApi::MaxPageSize));
}

void HarborTagPager::cancel()
{
    ++m_generation;
    cancelJobs();
    m_fetching = false;
    m_tagsInFlight = 0;
    for (Pending &pending : m_queue)
        pending.inFlight = false;
}

QString HarborTagPager::tagSort() const
{
    const QString field
            = m_query.sortField == TagQuery::SortField::PushTime ? u"push_time"_s : u"name"_s;
    return m_query.descending ? u"-"_s + field : field;
}

void HarborTagPager::fetchNext()
{
    if (m_fetching || m_done || !m_api)
        return;
    if (m_repositoryPath.isEmpty()) {
        m_fetching = true;
        const quint64 generation = m_generation;
        QMetaObject::invokeMethod(
                this,
                [this, generation] {
                    if (generation != m_generation)
                        return; // cancelled: no signal follows
                    fail(Error(ErrorCode::InvalidInput,
                               u"%1 is not a Harbor repository name (project/repository)"_s.arg(
                                       m_repository)));
                },
                Qt::QueuedConnection);
        return;
    }
    m_fetching = true;
    pump();
}

void HarborTagPager::pump()
{
    if (m_buffer.size() >= m_pageSize) {
        handOut();
        return;
    }
    if (m_tagsInFlight > 0)
        return;
    if (!m_queue.isEmpty()) {
        fetchTags();
        return;
    }
    if (m_moreArtifacts) {
        fetchArtifacts();
        return;
    }
    m_done = true;
    handOut();
}

void HarborTagPager::fetchArtifacts()
{
    QueryItems query{{u"page"_s, QString::number(m_artifactPage)},
                     {u"page_size"_s, QString::number(HarborApi::MaxPageSize)},
                     {u"with_tag"_s, u"false"_s},
                     {u"with_label"_s, u"true"_s},
                     {u"with_scan_overview"_s, u"true"_s},
                     // Tagged artifacts only: untagged ones have no row in a tag table.
                     {u"q"_s, m_query.filterText.isEmpty() ? u"tags=*"_s
                                                           : u"tags=~"_s + m_query.filterText}};
    if (m_query.sortField == TagQuery::SortField::PushTime)
        query.append({u"sort"_s, m_query.descending ? u"-push_time"_s : u"push_time"_s});
    const quint64 generation = m_generation;
    const QString what = u"Listing artifacts of %1"_s.arg(m_repository);
    track(m_api->getPage(m_repositoryPath + u"/artifacts"_s, query, what, Priority::Interactive))
            ->onFinished(this, [this, generation, what](Result<HarborPage> page) {
                if (generation != m_generation)
                    return;
                if (!page.ok()) {
                    fail(page.error());
                    return;
                }
                Result<QList<HarborArtifact>> artifacts = parseHarborArtifacts(page->body);
                if (!artifacts.ok()) {
                    Error error = artifacts.error();
                    error.message = what + u": "_s + error.message;
                    fail(error);
                    return;
                }
                m_artifactTotal = page->total;
                m_artifactsSeen += artifacts->size();
                m_moreArtifacts
                        = !artifacts->isEmpty()
                          && (page->hasNext || (page->total >= 0 && m_artifactsSeen < page->total)
                              || (page->total < 0 && artifacts->size() == HarborApi::MaxPageSize));
                ++m_artifactPage;
                for (HarborArtifact &artifact : artifacts.value()) {
                    // Its digest goes into the next request's path: server data, checked.
                    if (!Digest::isValid(artifact.digest)) {
                        fail(Error(ErrorCode::BadResponse,
                                   u"%1: the server listed an artifact with a malformed digest "
                                   "\"%2\" (refused, nothing was sent for it)"_s.arg(
                                           what, ServerText::visible(artifact.digest))));
                        return;
                    }
                    Pending pending;
                    pending.artifact = std::move(artifact);
                    m_queue.append(std::move(pending));
                }
                pump();
            });
}

void HarborTagPager::fetchTags()
{
    // How many artifacts to ask at once: one at first (it may hold all the tags we need);
    // then as many as the tags seen per artifact say are needed to fill the page.
    int batch = 1;
    if (!m_firstTagRequest && m_artifactsDrained > 0) {
        const double perArtifact = std::max(1.0, double(m_tagsSeen) / double(m_artifactsDrained));
        const double need = double(m_pageSize - m_buffer.size());
        batch = std::clamp(int(std::ceil(need / perArtifact)), 1, ParallelTagRequests);
    }
    m_firstTagRequest = false;
    const quint64 generation = m_generation;
    int started = 0;
    for (qsizetype i = 0; i < m_queue.size() && started < batch; ++i) {
        Pending &pending = m_queue[i];
        if (pending.inFlight || pending.pageInHand)
            continue;
        QueryItems query{{u"page"_s, QString::number(pending.tagPage)},
                         {u"page_size"_s, QString::number(HarborApi::MaxPageSize)},
                         {u"with_immutable_status"_s, u"true"_s},
                         {u"sort"_s, tagSort()}};
        if (!m_query.filterText.isEmpty())
            query.append({u"q"_s, u"name=~"_s + m_query.filterText});
        const QString digest = pending.artifact.digest;
        const QString what = u"Listing tags of %1@%2"_s.arg(m_repository, digest);
        pending.inFlight = true;
        ++m_tagsInFlight;
        ++started;
        track(m_api->getPage(m_repositoryPath + u"/artifacts/"_s + digest + u"/tags"_s, query, what,
                             Priority::Interactive))
                ->onFinished(this, [this, generation, digest, what](Result<HarborPage> page) {
                    if (generation != m_generation)
                        return;
                    --m_tagsInFlight;
                    const auto it = std::find_if(
                            m_queue.begin(), m_queue.end(),
                            [&digest](const Pending &p) { return p.artifact.digest == digest; });
                    if (it == m_queue.end())
                        return;
                    it->inFlight = false;
                    if (!page.ok()) {
                        if (page.error().code == ErrorCode::NotFound) {
                            // Deleted since the artifact page: it has no rows any more.
                            it->pageInHand = true;
                            it->moreTags = false;
                        } else {
                            // One failure fails the page; answers still on their way
                            // are dropped and asked again on the next fetchNext().
                            cancel();
                            fail(page.error());
                            return;
                        }
                    } else {
                        Result<QList<HarborTag>> tags = parseHarborTags(page->body);
                        if (!tags.ok()) {
                            Error error = tags.error();
                            error.message = what + u": "_s + error.message;
                            cancel();
                            fail(error);
                            return;
                        }
                        if (it->tagTotal < 0 && page->total >= 0) {
                            it->tagTotal = page->total;
                            m_tagTotalSum += page->total;
                            ++m_artifactsWithTagTotal;
                        }
                        it->received = *tags;
                        it->tagsReceived += tags->size();
                        it->pageInHand = true;
                        it->moreTags = !tags->isEmpty()
                                       && (page->hasNext
                                           || (it->tagTotal >= 0 && it->tagsReceived < it->tagTotal)
                                           || (it->tagTotal < 0
                                               && tags->size() == HarborApi::MaxPageSize));
                    }
                    if (m_tagsInFlight > 0)
                        return;
                    drain();
                    pump();
                });
    }
    if (started == 0)
        drain();
}

void HarborTagPager::drain()
{
    while (!m_queue.isEmpty() && m_queue.constFirst().pageInHand) {
        Pending &front = m_queue.first();
        for (const HarborTag &tag : std::as_const(front.received)) {
            if (m_extras.contains(tag.name))
                continue; // a tag moved between pages
            m_buffer.append(tag.name);
            m_extras.insert(tag.name, tagExtras(front.artifact, tag));
        }
        m_tagsSeen += front.received.size();
        front.received.clear();
        front.pageInHand = false;
        if (front.moreTags) {
            ++front.tagPage;
            break;
        }
        ++m_artifactsDrained;
        m_queue.removeFirst();
    }
}

void HarborTagPager::handOut()
{
    // Always from the event loop: fetchNext() must never answer synchronously.
    const quint64 generation = m_generation;
    QMetaObject::invokeMethod(
            this,
            [this, generation] {
                if (generation != m_generation)
                    return;
                const QStringList page = m_buffer.mid(0, m_pageSize);
                m_buffer.remove(0, page.size());
                QHash<QString, TagExtras> extras;
                extras.reserve(page.size());
                for (const QString &name : page)
                    extras.insert(name, m_extras.take(name));
                m_handedOut += page.size();
                if (m_buffer.isEmpty() && m_queue.isEmpty() && !m_moreArtifacts)
                    m_done = true;
                m_fetching = false;
                if (!extras.isEmpty())
                    Q_EMIT extrasReady(extras);
                Q_EMIT pageReady(page);
            },
            Qt::QueuedConnection);
}

void HarborTagPager::fail(const Error &error)
{
    m_fetching = false;
    Q_EMIT failed(error);
}

} // namespace Berth
