#pragma once

#include "net/backend/registrybackend.h"
#include "net/harbor/harborjson.h"

namespace Berth {

class HarborApi;
class RegistryClient;
class OciBackend;

//! A Harbor server, 2.x or 1.x. Listings, extras and writes use Harbor's REST API (basic auth on
//! every call, no cookies: NetworkAccessManager keeps none, so Harbor's "sid" session never
//! turns writes into CSRF failures); manifests, configs and tag -> digest go through Harbor's
//! /v2/ registry API with bearer tokens from /service/token, exactly like a plain registry
//! (an OciBackend inside does that part, so metadata is fetched, verified and deduplicated by
//! the same code).
//!
//! Tag listings: name order (the default) pages /v2/<repo>/tags/list?n=&last=, which Harbor
//! pages for real: the first rows of any repository cost one request; the extras of visible
//! rows come from fetchTagExtras(). 2.x server-side sort and filter (TagQuery) list artifacts
//! and their tags through the artifacts API (HarborTagPager), extras included with each page.
//! 1.x never calls GET /api/repositories/{repo}/tags (it walks every tag of the repository).
class HarborBackend final : public RegistryBackend
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(HarborBackend)
public:
    HarborBackend(const RegistryEndpoint &endpoint, RequestScheduler *scheduler,
                  HarborGeneration generation, QObject *parent = nullptr);
    //! Generation and version unknown: connectToRegistry() detects them (detectHarbor()).
    HarborBackend(const RegistryEndpoint &endpoint, RequestScheduler *scheduler,
                  QObject *parent = nullptr);

    HarborGeneration generation() const { return m_generation; }
    //! harbor_version from detection ("v2.10.0-b2f2d0e4"), for display.
    void setVersion(const QString &version) { m_version = version; }
    QString version() const { return m_version; }
    RegistryClient *client() const;
    HarborApi *api() const { return m_api; }

    QString kindName() const override { return QStringLiteral("harbor"); }
    QString registryHost() const override;
    QString serverVersion() const override;
    //! Pings /v2/, then (with credentials) GET users/current: Harbor answers a wrong password
    //! as anonymous everywhere else, so this is where it becomes an Unauthorized error.
    ResultJob<void> *connectToRegistry() override;
    Pager *createRepositoryPager(const QString &prefix, QObject *parent) override;
    Pager *createTagPager(const QString &repository, QObject *parent) override;
    bool supportsServerSort() const override;
    Pager *createTagPager(const QString &repository, const TagQuery &query,
                          QObject *parent) override;
    bool hasTagExtras() const override { return true; }
    ResultJob<TagExtras> *fetchTagExtras(const QString &repository, const QString &tag,
                                         Priority priority) override;
    ResultJob<TagDigest> *resolveTag(const QString &repository, const QString &tag,
                                     Priority priority) override;
    ResultJob<ImageMetadata> *fetchMetadata(const QString &repository, const QString &reference,
                                            Priority priority) override;
    //! No: Harbor counts a manifest GET by tag as a pull of that tag (its pull time, the
    //! repository's pull count), which retention rules ("pulled within N days") act on. Looking
    //! at a tag must not make it look used: tags are resolved with a HEAD, which Harbor does not
    //! count.
    bool resolvesTagsWithManifestGet() const override { return false; }
    ResultJob<ImageMetadata> *fetchMetadataFrom(const QString &repository, const QString &reference,
                                                Priority priority,
                                                const MetadataSources &sources) override;
    ResultJob<FetchedManifest> *fetchManifest(const QString &repository, const QString &reference,
                                              Priority priority) override;
    //! 2.x: POST .../artifacts/{digest}/tags; into another repository the artifact is copied
    //! first (POST .../artifacts?from=project/repo@digest). 1.x: POST /api/repositories/{repo}/tags.
    ResultJob<QString> *addTag(const QString &repository, const QString &sourceReference,
                               const QString &targetRepository, const QString &newTag) override;
    //! 2.x: DELETE .../artifacts/{tag}/tags/{tag}. 1.x: DELETE /api/repositories/{repo}/tags/{tag}
    //! (NB: Harbor 1.x deletes the manifest behind the tag, so tags sharing its digest go too).
    ResultJob<void> *deleteTag(const QString &repository, const QString &tag,
                               const QString &expectedDigest) override;
    //! 2.x: DELETE .../artifacts/{digest}. 1.x: DELETE /v2/<repo>/manifests/<digest>.
    ResultJob<void> *deleteImage(const QString &repository, const QString &digest) override;
    ResultJob<QString> *putManifest(const QString &repository, const QString &reference,
                                    const QByteArray &bytes, const QString &mediaType) override;
    ResultJob<bool> *blobExists(const QString &repository, const QString &digest) override;
    ResultJob<StreamedBlob> *streamBlob(const QString &repository, const QString &digest,
                                        BodySink *sink, Priority priority, qint64 firstByte = 0,
                                        qint64 lastByte = -1) override;
    bool listsUntaggedImages() const override { return m_generation == HarborGeneration::V2; }
    //! 2.x: GET .../artifacts?q=tags=nil (Harbor lists neither tagged artifacts nor the
    //! platforms an index references), page after page.
    ResultJob<QList<UntaggedImage>> *untaggedImages(const QString &repository,
                                                    const QString &digest) override;
    RequestScheduler *scheduler() const override;

private:
    void listUntagged(Task<QList<UntaggedImage>> *task, const QString &path, const QString &digest,
                      int page, QList<UntaggedImage> found);
    void detectGeneration(Task<void> *task);
    void checkCredentials(Task<void> *task);
    ResultJob<TagExtras> *fetchTagExtrasV1(const QString &path, const QString &what,
                                           Priority priority);
    ResultJob<TagExtras> *fetchTagExtrasV2(const QString &path, const QString &tag,
                                           const QString &what, Priority priority);
    //! addTag() once the source's digest is known.
    void addTagByDigest(Task<QString> *task, const QString &repository,
                        const QString &sourceReference, const QString &target,
                        const QString &newTag, const QString &digest);
    void tagDigest(Task<QString> *task, const QString &target, const QString &digest,
                   const QString &newTag);

    HarborGeneration m_generation;
    OciBackend *m_registry;
    HarborApi *m_api;
    QString m_version;
    bool m_generationKnown = true;
};

} // namespace Berth
