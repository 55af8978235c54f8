#include "net/harbor/harborbackend.h"

#include "net/core/digest.h"
#include "net/core/imagereference.h"
#include "net/core/servertext.h"
#include "net/harbor/harborapi.h"
#include "net/harbor/harbordetector.h"
#include "net/harbor/harborrepositorypager.h"
#include "net/harbor/harbortagpager.h"
#include "net/oci/ocibackend.h"
#include "net/oci/registryclient.h"

#include <QJsonDocument>
#include <QJsonObject>

#include <memory>

using namespace Qt::StringLiterals;

namespace Berth {

namespace {

QByteArray jsonBody(const QJsonObject &object)
{
    return QJsonDocument(object).toJson(QJsonDocument::Compact);
}

} // namespace

HarborBackend::HarborBackend(const RegistryEndpoint &endpoint, RequestScheduler *scheduler,
                             HarborGeneration generation, QObject *parent)
    : RegistryBackend(parent)
    , m_generation(generation)
    , m_registry(new OciBackend(endpoint, scheduler, this))
    , m_api(new HarborApi(m_registry->client(), generation, this))
{
    // Anonymous users browse public projects although Harbor refuses them a registry-wide token.
    m_registry->client()->setAcceptAnonymousRefusal(true);
}

RegistryClient *HarborBackend::client() const
{
    return m_registry->client();
}

QString HarborBackend::registryHost() const
{
    return m_registry->registryHost();
}

QString HarborBackend::serverVersion() const
{
    if (!m_version.isEmpty())
        return u"Harbor "_s + m_version;
    return m_generation == HarborGeneration::V2 ? u"Harbor 2.x"_s : u"Harbor 1.x"_s;
}

HarborBackend::HarborBackend(const RegistryEndpoint &endpoint, RequestScheduler *scheduler,
                             QObject *parent)
    : HarborBackend(endpoint, scheduler, HarborGeneration::V2, parent)
{
    m_generationKnown = false;
}

ResultJob<void> *HarborBackend::connectToRegistry()
{
    auto *task = new Task<void>(Priority::Interactive, this);
    task->await(m_api->ensureReady(), [this, task](const Result<void> &ready) {
        if (!ready.ok())
            task->fail(ready.error());
        else if (m_generationKnown)
            checkCredentials(task);
        else
            detectGeneration(task);
    });
    return task;
}

void HarborBackend::detectGeneration(Task<void> *task)
{
    task->await(detectHarbor(scheduler(), client()->baseUrl(), client()->sslConfiguration(), task),
                [this, task](const Result<HarborInfo> &info) {
                    if (!info.ok()) {
                        task->fail(info.error());
                        return;
                    }
                    if (!info->isHarbor) {
                        task->fail(Error(ErrorCode::Unsupported,
                                         u"%1 does not answer as Harbor (no /api/version or "
                                         u"/api/systeminfo)"_s.arg(registryHost())));
                        return;
                    }
                    m_generation = info->generation;
                    m_api->setGeneration(info->generation);
                    m_version = info->version;
                    m_generationKnown = true;
                    checkCredentials(task);
                });
}

void HarborBackend::checkCredentials(Task<void> *task)
{
    if (!m_api->hasCredentials()) {
        task->finish(Result<void>()); // anonymous: public projects only
        return;
    }
    const bool isRobot = client()->endpoint().credentials.username.startsWith(u"robot$"_s);
    task->await(m_api->send("GET", u"/users/current"_s, {}, {}, Priority::Interactive),
                [this, task, isRobot](const Result<Response> &answer) {
                    if (!answer.ok()) {
                        task->fail(answer.error());
                        return;
                    }
                    const Response &response = *answer;
                    // Robots have no user record: Harbor answers users/current with an error other
                    // than 401 for them (412 "not available for security context: robot"). A wrong
                    // robot secret is anonymous, hence 401.
                    if (response.status == 412 && isRobot) {
                        task->finish(Result<void>());
                        return;
                    }
                    if (response.status == 401 || response.status == 403
                        || response.error.code == ErrorCode::Unauthorized) {
                        task->fail(
                                Error(ErrorCode::Unauthorized,
                                      u"Connecting to %1: Harbor did not accept the user name or "
                                      u"password"_s.arg(registryHost()),
                                      401));
                        return;
                    }
                    const Error error
                            = harborError(response, u"Connecting to %1"_s.arg(registryHost()));
                    task->finish(error.isError() ? Result<void>(error) : Result<void>());
                });
}

Pager *HarborBackend::createRepositoryPager(const QString &prefix, QObject *parent)
{
    return new HarborRepositoryPager(m_api, prefix, parent);
}

Pager *HarborBackend::createTagPager(const QString &repository, QObject *parent)
{
    // /v2/<repo>/tags/list: Harbor pages it (n, last), so the first page is one request.
    return m_registry->createTagPager(repository, parent);
}

bool HarborBackend::supportsServerSort() const
{
    return m_generation == HarborGeneration::V2;
}

Pager *HarborBackend::createTagPager(const QString &repository, const TagQuery &query,
                                     QObject *parent)
{
    if (!supportsServerSort() || query.isDefault())
        return createTagPager(repository, parent);
    return new HarborTagPager(m_api, repository, query, parent);
}

ResultJob<TagExtras> *HarborBackend::fetchTagExtras(const QString &repository, const QString &tag,
                                                    Priority priority)
{
    const QString path = m_api->repositoryPath(repository);
    if (path.isEmpty() || !ImageReference::isValidTag(tag)) {
        return failedJob<TagExtras>(
                Error(ErrorCode::InvalidInput,
                      u"not a Harbor tag: %1:%2"_s.arg(ServerText::visible(repository),
                                                       ServerText::visible(tag))),
                this);
    }
    const QString what = u"Harbor details of %1:%2"_s.arg(repository, tag);
    if (m_generation == HarborGeneration::V1)
        return fetchTagExtrasV1(path + u"/tags/"_s + tag, what, priority);
    return fetchTagExtrasV2(path, tag, what, priority);
}

ResultJob<TagExtras> *HarborBackend::fetchTagExtrasV1(const QString &path, const QString &what,
                                                      Priority priority)
{
    auto *task = new Task<TagExtras>(priority, this);
    task->await(m_api->getPage(path, {}, what, priority),
                [task, what](const Result<HarborPage> &page) {
                    if (!page.ok()) {
                        task->fail(page.error());
                        return;
                    }
                    Result<TagExtras> extras = parseHarborV1Tag(page->body);
                    if (!extras.ok()) {
                        Error error = extras.error();
                        error.message = what + u": "_s + error.message;
                        task->fail(error);
                        return;
                    }
                    task->finish(extras);
                });
    return task;
}

ResultJob<TagExtras> *HarborBackend::fetchTagExtrasV2(const QString &path, const QString &tag,
                                                      const QString &what, Priority priority)
{
    // Two small requests side by side: the artifact (labels, scan, size, references) without
    // its tags (it may have thousands), and just this tag (its own push/pull time, immutability).
    struct Answers
    {
        std::optional<Result<HarborArtifact>> artifact;
        std::optional<Result<HarborTag>> tag;
    };
    auto *task = new Task<TagExtras>(priority, this);
    auto answers = std::make_shared<Answers>();
    const auto finish = [task, answers, tag] {
        if (!answers->artifact || !answers->tag)
            return;
        if (!answers->artifact->ok()) {
            task->fail(answers->artifact->error());
            return;
        }
        // The tag's own times are a nicety: without them the artifact's stand in.
        HarborTag harborTag;
        harborTag.name = tag;
        if (answers->tag->ok())
            harborTag = **answers->tag;
        task->finish(tagExtras(**answers->artifact, harborTag));
    };
    task->await(m_api->getPage(path + u"/artifacts/"_s + tag,
                               {{u"with_tag"_s, u"false"_s},
                                {u"with_label"_s, u"true"_s},
                                {u"with_scan_overview"_s, u"true"_s}},
                               what, priority),
                [answers, finish, what](const Result<HarborPage> &page) {
                    if (!page.ok()) {
                        answers->artifact = Result<HarborArtifact>(page.error());
                    } else {
                        Result<HarborArtifact> artifact = parseHarborArtifact(page->body);
                        if (!artifact.ok()) {
                            Error error = artifact.error();
                            error.message = what + u": "_s + error.message;
                            artifact = Result<HarborArtifact>(error);
                        }
                        answers->artifact = std::move(artifact);
                    }
                    finish();
                });
    task->await(m_api->getPage(path + u"/artifacts/"_s + tag + u"/tags"_s,
                               {{u"q"_s, u"name="_s + tag},
                                {u"page_size"_s, u"1"_s},
                                {u"with_immutable_status"_s, u"true"_s}},
                               what, priority),
                [answers, finish, tag](const Result<HarborPage> &page) {
                    Result<HarborTag> found(Error(ErrorCode::NotFound, u"no such tag"_s));
                    if (!page.ok()) {
                        found = Result<HarborTag>(page.error());
                    } else if (Result<QList<HarborTag>> tags = parseHarborTags(page->body);
                               tags.ok()) {
                        for (const HarborTag &t : *tags) {
                            if (t.name == tag)
                                found = t;
                        }
                    }
                    answers->tag = std::move(found);
                    finish();
                });
    return task;
}

ResultJob<TagDigest> *HarborBackend::resolveTag(const QString &repository, const QString &tag,
                                                Priority priority)
{
    return m_registry->resolveTag(repository, tag, priority);
}

ResultJob<ImageMetadata> *HarborBackend::fetchMetadata(const QString &repository,
                                                       const QString &reference, Priority priority)
{
    return m_registry->fetchMetadata(repository, reference, priority);
}

ResultJob<ImageMetadata> *HarborBackend::fetchMetadataFrom(const QString &repository,
                                                           const QString &reference,
                                                           Priority priority,
                                                           const MetadataSources &sources)
{
    return m_registry->fetchMetadataFrom(repository, reference, priority, sources);
}

ResultJob<FetchedManifest> *
HarborBackend::fetchManifest(const QString &repository, const QString &reference, Priority priority)
{
    return m_registry->fetchManifest(repository, reference, priority);
}

ResultJob<QString> *HarborBackend::addTag(const QString &repository, const QString &sourceReference,
                                          const QString &targetRepository, const QString &newTag)
{
    const QString target = targetRepository.isEmpty() ? repository : targetRepository;
    if (!ImageReference::isValidTag(newTag)) {
        return failedJob<QString>(Error(ErrorCode::InvalidInput,
                                        u"not a valid tag: %1"_s.arg(ServerText::visible(newTag))),
                                  this);
    }
    if (m_api->repositoryPath(target).isEmpty() || m_api->repositoryPath(repository).isEmpty()
        || !ImageReference::isValidRepositoryPath(target)) {
        return failedJob<QString>(
                Error(ErrorCode::InvalidInput,
                      u"not a Harbor repository name (project/repository): %1"_s.arg(
                              m_api->repositoryPath(target).isEmpty() ? target : repository)),
                this);
    }
    auto *task = new Task<QString>(Priority::Interactive, this);
    if (Digest::isValid(sourceReference)) {
        addTagByDigest(task, repository, sourceReference, target, newTag, sourceReference);
        return task;
    }
    // The digest first: the result names it, and a copy must name the exact artifact.
    task->await(m_registry->resolveTag(repository, sourceReference, Priority::Interactive),
                [=, this](const Result<TagDigest> &resolved) {
                    if (!resolved.ok())
                        task->fail(resolved.error());
                    else
                        addTagByDigest(task, repository, sourceReference, target, newTag,
                                       resolved->digest);
                });
    return task;
}

void HarborBackend::addTagByDigest(Task<QString> *task, const QString &repository,
                                   const QString &sourceReference, const QString &target,
                                   const QString &newTag, const QString &digest)
{
    const QString what = u"Tagging %1@%2 as %3:%4"_s.arg(repository, Digest::shortForm(digest),
                                                         target, newTag);
    if (m_generation == HarborGeneration::V1) {
        const QJsonObject request{
                {u"tag"_s, newTag},
                // "project/repo:tag" is the form 1.x documents.
                {u"src_image"_s, Digest::isValid(sourceReference)
                                         ? QString(repository + u'@' + digest)
                                         : QString(repository + u':' + sourceReference)},
                {u"override"_s, false}};
        task->await(m_api->write("POST", m_api->repositoryPath(target) + u"/tags"_s, {},
                                 jsonBody(request), what),
                    [task, digest](const Result<void> &result) {
                        if (!result.ok())
                            task->fail(result.error());
                        else
                            task->finish(digest);
                    });
        return;
    }
    if (target == repository) {
        tagDigest(task, target, digest, newTag);
        return;
    }
    task->await(m_api->write("POST", m_api->repositoryPath(target) + u"/artifacts"_s,
                             {{u"from"_s, repository + u'@' + digest}}, {},
                             u"Copying %1@%2 to %3"_s.arg(repository, Digest::shortForm(digest),
                                                          target)),
                [this, task, target, digest, newTag](const Result<void> &copied) {
                    // 409: the artifact is in the target already; tagging it is all that is
                    // left to do.
                    if (!copied.ok() && copied.error().code != ErrorCode::Conflict) {
                        task->fail(copied.error());
                        return;
                    }
                    tagDigest(task, target, digest, newTag);
                });
}

void HarborBackend::tagDigest(Task<QString> *task, const QString &target, const QString &digest,
                              const QString &newTag)
{
    task->await(m_api->write(
                        "POST",
                        m_api->repositoryPath(target) + u"/artifacts/"_s + digest + u"/tags"_s, {},
                        jsonBody(QJsonObject{{u"name"_s, newTag}}),
                        u"Adding tag %1 to %2@%3"_s.arg(newTag, target, Digest::shortForm(digest))),
                [task, digest](const Result<void> &tagged) {
                    if (!tagged.ok())
                        task->fail(tagged.error());
                    else
                        task->finish(digest);
                });
}

ResultJob<void> *HarborBackend::deleteTag(const QString &repository, const QString &tag,
                                          const QString &expectedDigest)
{
    if (m_generation == HarborGeneration::V1) {
        // Harbor 1.x's API has no untag: DELETE /api/repositories/{repo}/tags/{tag} deletes the
        // manifest, and every other tag on it goes too. Its /v2/ proxy takes what the untag on a
        // plain registry needs (a Docker schema 2 PUT, a DELETE by digest: the core's
        // middlewares check quota and immutability on both and pass them on), so the tag moves
        // to a placeholder that is then deleted and the other tags stay.
        return m_registry->deleteTag(repository, tag, expectedDigest);
    }
    const QString path = m_api->repositoryPath(repository);
    if (!ImageReference::isValidTag(tag) || path.isEmpty()
        || (!expectedDigest.isEmpty() && !Digest::isValid(expectedDigest))) {
        return failedJob<void>(
                Error(ErrorCode::InvalidInput,
                      u"not a Harbor tag: %1:%2"_s.arg(ServerText::visible(repository),
                                                       ServerText::visible(tag))),
                this);
    }
    // The artifact named by the expected digest: Harbor removes the tag only if it is on it.
    const QString artifact = expectedDigest.isEmpty() ? tag : expectedDigest;
    return m_api->write("DELETE", path + u"/artifacts/"_s + artifact + u"/tags/"_s + tag, {}, {},
                        expectedDigest.isEmpty()
                                ? u"Removing tag %1:%2"_s.arg(repository, tag)
                                : u"Removing tag %1:%2 from %3"_s.arg(
                                        repository, tag, Digest::shortForm(expectedDigest)));
}

ResultJob<void> *HarborBackend::deleteImage(const QString &repository, const QString &digest)
{
    if (m_generation == HarborGeneration::V1)
        return m_registry->deleteImage(repository, digest);
    const QString path = m_api->repositoryPath(repository);
    if (!Digest::isValid(digest) || path.isEmpty()) {
        return failedJob<void>(
                Error(ErrorCode::InvalidInput,
                      u"not a Harbor artifact: %1@%2"_s.arg(ServerText::visible(repository),
                                                            ServerText::visible(digest))),
                this);
    }
    return m_api->write("DELETE", path + u"/artifacts/"_s + digest, {}, {},
                        u"Deleting %1@%2"_s.arg(repository, Digest::shortForm(digest)));
}

// Pushes go through Harbor's /v2/ like docker push: its quota and immutability checks apply.
ResultJob<QString> *HarborBackend::putManifest(const QString &repository, const QString &reference,
                                               const QByteArray &bytes, const QString &mediaType)
{
    return m_registry->putManifest(repository, reference, bytes, mediaType);
}

ResultJob<StreamedBlob> *HarborBackend::streamBlob(const QString &repository, const QString &digest,
                                                   BodySink *sink, Priority priority,
                                                   qint64 firstByte, qint64 lastByte)
{
    return m_registry->streamBlob(repository, digest, sink, priority, firstByte, lastByte);
}

ResultJob<bool> *HarborBackend::blobExists(const QString &repository, const QString &digest)
{
    return m_registry->blobExists(repository, digest);
}

ResultJob<QList<UntaggedImage>> *HarborBackend::untaggedImages(const QString &repository,
                                                               const QString &digest)
{
    if (!listsUntaggedImages())
        return RegistryBackend::untaggedImages(repository, digest);
    const QString path = m_api->repositoryPath(repository);
    if (path.isEmpty() || (!digest.isEmpty() && !Digest::isValid(digest))) {
        return failedJob<QList<UntaggedImage>>(
                Error(ErrorCode::InvalidInput,
                      u"not a Harbor artifact: %1%2"_s.arg(
                              repository, digest.isEmpty() ? digest : u"@"_s + digest)),
                this);
    }
    auto *task = new Task<QList<UntaggedImage>>(Priority::Background, this);
    listUntagged(task, path, digest, 1, {});
    return task;
}

void HarborBackend::listUntagged(Task<QList<UntaggedImage>> *task, const QString &path,
                                 const QString &digest, int page, QList<UntaggedImage> found)
{
    const QString what = u"Listing the untagged artifacts of %1"_s.arg(path);
    QueryItems query{{u"page"_s, QString::number(page)},
                     {u"page_size"_s, QString::number(HarborApi::MaxPageSize)},
                     // Tags asked for although q says none: what is deleted is checked.
                     {u"with_tag"_s, u"true"_s},
                     {u"q"_s, digest.isEmpty() ? u"tags=nil"_s : u"tags=nil,digest="_s + digest}};
    task->await(m_api->getPage(path + u"/artifacts"_s, query, what, Priority::Background),
                [this, task, path, digest, page, found = std::move(found),
                 what](const Result<HarborPage> &answer) mutable {
                    if (!answer.ok())
                        return task->fail(answer.error());
                    Result<QList<HarborArtifact>> artifacts = parseHarborArtifacts(answer->body);
                    if (!artifacts.ok()) {
                        Error error = artifacts.error();
                        error.message = what + u": "_s + error.message;
                        return task->fail(error);
                    }
                    for (const HarborArtifact &artifact : std::as_const(*artifacts)) {
                        // Harbor's q is a filter the server may not know: check what it sent.
                        if (!artifact.tags.isEmpty() || !Digest::isValid(artifact.digest)
                            || (!digest.isEmpty() && artifact.digest != digest))
                            continue;
                        found.append(UntaggedImage{artifact.digest, artifact.manifestMediaType,
                                                   artifact.pushed, artifact.size});
                    }
                    const qint64 seen
                            = qint64(page - 1) * HarborApi::MaxPageSize + artifacts->size();
                    const bool more = artifacts->size() == HarborApi::MaxPageSize
                                      && (answer->total < 0 || seen < answer->total);
                    if (!more)
                        return task->finish(std::move(found));
                    listUntagged(task, path, digest, page + 1, std::move(found));
                });
}

RequestScheduler *HarborBackend::scheduler() const
{
    return m_registry->scheduler();
}

} // namespace Berth
