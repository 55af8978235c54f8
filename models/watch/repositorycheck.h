#pragma once

#include "models/watch/watchbaseline.h"
#include "net/core/job.h"

#include <QPointer>
#include <QStringList>

#include <functional>

namespace Berth {

class HarborApi;
class RegistryBackend;
class RegistryClient;

//! What one check of a watched repository found.
struct WatchCheckResult
{
    WatchBaseline baseline;   //!< the new baseline (changes already in it)
    QList<TagChange> changes; //!< new and moved tags; always empty on the first check
    int requests = 0;         //!< requests this check sent (before the scheduler's retries)
};

//! One check of one watched repository against its baseline, with the cheapest requests the
//! server allows, every one at Background priority (the scheduler runs a person's requests
//! first) and one at a time (a check never holds more than one of the per-host slots).
//!
//! Plain registry (Distribution) and Harbor 1.x, per check:
//!   ceil(N / 1000) GET tags/list  (every name; Distribution answers n=1000 in one page)
//! + one HEAD per new name         (its digest; at most MaxNewHeads, the rest learnt later)
//! + one HEAD per floating tag     ("latest", and any tag seen moving before)
//! + min(RevalidateSlice, known) HEADs, round-robin over the other known tags in name order,
//!   so a tag moved to another digest is found within ceil(N / RevalidateSlice) checks.
//! An unchanged repository of N <= 1000 tags with F floating tags costs
//! 1 + F + min(20, N - F) requests. The first check lists and HEADs the floating tags and the
//! first slice only; the digests of the rest are learnt by the round robin (nothing is reported
//! for a digest learnt that way).
//!
//! Harbor 1.x: its own GET /api/repositories/{repo}/tags answers every tag with its digest in
//! one request, but Harbor 1.x builds that answer by reading every tag's manifest and config
//! from its registry (O(N) backend reads, seconds for thousands of tags; the backend never
//! calls it for the same reason), so the /v2/ path above is the cheaper one for the server.
//!
//! Harbor 2.x: GET .../artifacts?sort=-push_time&page_size=10&with_tag=true&q=tags=*, newest
//! pushed first, walking until the first artifact the baseline knows (1 request when nothing
//! was pushed; ceil((k + 1) / 10) for k new artifacts, at most MaxHarborPages). The v2.0 swagger
//! lists `sort` on listArtifacts and Harbor's ORM sorts by any column (push_time included;
//! HarborTagPager relies on the same); a tag moved to another digest shows up as a newly pushed
//! artifact carrying that tag. with_tag=true lists every tag of each artifact in the page
//! (Harbor's populateTags has no limit), which the small page keeps bounded. The first check
//! lists the names through /v2/ tags/list (ceil(N / 1000) requests) plus one artifacts page, so
//! that a later tag is told apart as new or moved. Not seen on Harbor 2.x: a tag moved onto an
//! older artifact that is not pushed again (its push time is not assumed to change).
class RepositoryCheck final : public ResultJob<WatchCheckResult>
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(RepositoryCheck)
public:
    //! Starts at once. backend must outlive the job (jobs are cancelled with their parent).
    RepositoryCheck(RegistryBackend *backend, const QString &repository,
                    const WatchBaseline &baseline, QObject *parent = nullptr);

    //! Known tags HEADed per check besides the floating ones: 20 keeps an unchanged check of
    //! a large repository at ~21 requests (a second of background work at 50 ms per HEAD) and
    //! finds a moved tag among 1,000 within 50 checks (12.5 h at the default 15 min).
    static constexpr int RevalidateSlice = 20;
    //! New names HEADed in one check; a bulk push of more is reported at once, and the digests
    //! of the rest are learnt by the round robin.
    static constexpr int MaxNewHeads = 50;
    //! Names per tags/list request: Distribution answers up to 1,000 per page cheaply.
    static constexpr int TagListPageSize = 1000;
    //! Harbor 2.x artifacts per page: one artifact is what an unchanged repository needs, ten
    //! cover a burst of pushes in one request while with_tag=true stays small.
    static constexpr int HarborPageSize = 10;
    //! Pages walked before a check gives up looking for a known artifact (100 new artifacts).
    static constexpr int MaxHarborPages = 10;
    //! Newest artifact digests remembered (only the newest are ever met first).
    static constexpr int RememberedArtifacts = 100;

private:
    // Plain registry and Harbor 1.x.
    //! Every page of tags/list into m_names, then then().
    void listTags(const QUrl &next, const std::function<void()> &then);
    void onNames();
    void headNext();
    // Harbor 2.x.
    //! The first check: every name listed is known (digests come from the artifacts).
    void recordFirstNames();
    void listArtifacts(int page);

    void fail(const Error &error);
    void done();

    QPointer<RegistryBackend> m_backend;
    QPointer<RegistryClient> m_client;
    QPointer<HarborApi> m_harbor; //!< set for Harbor 2.x
    QString m_repository;
    WatchCheckResult m_result;
    QStringList m_names; //!< from tags/list

    struct Head
    {
        QString tag;
        bool isNew = false; //!< a new name (reported whatever its digest)
    };
    QList<Head> m_heads; //!< HEADs still to send, in order
};

} // namespace Berth
