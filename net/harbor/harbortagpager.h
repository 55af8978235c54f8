#pragma once

#include "net/backend/pager.h"
#include "net/backend/registrybackend.h"
#include "net/harbor/harborapi.h"

#include <QHash>
#include <QPointer>

namespace Berth {

//! Tags of a Harbor 2.x repository in a server-side order and filter (TagQuery), with their
//! extras (pushed, pulled, labels, scan summary, immutability) handed out with each page.
//!
//! Why artifacts with_tag=false plus the per-artifact tags endpoint: with with_tag=true Harbor
//! lists *every* tag of each artifact in the page (the controller's populateTags has no limit;
//! 5,000 tags took 26 s in Harbor issue #13099), so one artifact with 100,000 tags would be one
//! enormous, slow page. Listing artifacts without tags (sorted by push time, filtered with
//! q=tags=~text) and then the paged /artifacts/{digest}/tags of the first artifacts (same sort
//! and filter) keeps every request bounded by page_size: the first page of a 100,000-tag
//! artifact costs two requests. Repositories of many single-tag artifacts cost one tag request
//! per artifact, run in parallel (up to ParallelTagRequests, grown as the observed tags per
//! artifact say more artifacts are needed to fill a page).
//!
//! Order: artifacts by push time, tags within an artifact by the same key. For name order with
//! a filter, tags are name-ordered within each artifact only (Harbor cannot order artifacts by
//! tag name); callers re-sort the filtered rows, which are few.
class HarborTagPager final : public Pager
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(HarborTagPager)
public:
    HarborTagPager(HarborApi *api, const QString &repository, const TagQuery &query,
                   QObject *parent = nullptr);
    ~HarborTagPager() override;

    void fetchNext() override;
    bool hasMore() const override;
    bool isFetching() const override { return m_fetching; }
    qint64 totalCount() const override;
    void cancel() override;
    void setPageSize(int n) override;

    //! Tag requests run at once at most; the scheduler runs 6 per host, so more would only
    //! queue behind the view's metadata requests.
    static constexpr int ParallelTagRequests = 6;

private:
    struct Pending
    {
        HarborArtifact artifact;
        int tagPage = 1;      //!< next page of its tags to ask for
        qint64 tagTotal = -1; //!< X-Total-Count of its tags (with the filter)
        qint64 tagsReceived = 0;
        bool inFlight = false;
        bool pageInHand = false;
        bool moreTags = true;
        QList<HarborTag> received; //!< the page in hand
    };

    void pump();
    void fetchArtifacts();
    void fetchTags();
    void drain();
    void handOut();
    void fail(const Error &error);
    QString tagSort() const;

    QPointer<HarborApi> m_api;
    QString m_repository;
    QString m_repositoryPath;
    TagQuery m_query;
    // Harbor's maximum page size: one request per 100 rows.
    int m_pageSize = HarborApi::MaxPageSize;
    quint64 m_generation = 0;

    int m_artifactPage = 1;
    bool m_moreArtifacts = true;
    qint64 m_artifactTotal = -1;
    qint64 m_artifactsSeen = 0;
    qint64 m_tagTotalSum = 0;
    qint64 m_artifactsWithTagTotal = 0;
    int m_tagsInFlight = 0;
    bool m_firstTagRequest = true;
    qint64 m_tagsSeen = 0;
    qint64 m_artifactsDrained = 0;

    QList<Pending> m_queue;
    QStringList m_buffer;
    QHash<QString, TagExtras> m_extras; //!< of the names in m_buffer
    qint64 m_handedOut = 0;
    bool m_done = false;
    bool m_fetching = false;
};

} // namespace Berth
