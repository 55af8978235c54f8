#include "net/harbor/harborbackend.h"

#include "net/core/digest.h"
#include "net/core/imagereference.h"
#include "net/harbor/harborapi.h"
#include "net/harbor/harbordetector.h"
#include "net/harbor/harborrepositorypager.h"
#include "net/harbor/harbortagpager.h"
#include "net/oci/ocibackend.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QPointer>
#include <QTimer>

#include <memory>

using namespace Qt::StringLiterals;

namespace Berth {

namespace {

template<typename T>
std::function<void(Result<T>)> guarded(QObject *context, std::function<void(Result<T>)> done)
{
    return [guard = QPointer<QObject>(context), done](Result<T> result) {
        if (guard)
            done(std::move(result));
    };
}

template<typename T>
void failLater(QObject *context, const std::function<void(Result<T>)> &done, const Error &error)
{
    QTimer::singleShot(0, context, [done, error] { done(error); });
}

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

MetadataFetcher *HarborBackend::metadataFetcher() const
{
    return m_registry->metadataFetcher();
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

void HarborBackend::connectToRegistry(QObject *context, Callback<void> done)
{
    auto deliver = guarded<void>(context, std::move(done));
    m_api->ensureReady(this, [this, deliver](Error ready) {
        if (ready.isError()) {
            deliver(ready);
            return;
        }
        if (m_generationKnown) {
            checkCredentials(deliver);
            return;
        }
        detectHarbor(scheduler(), client()->baseUrl(), client()->sslConfiguration(), this,
                     [this, deliver](Result<HarborInfo> info) {
                         if (!info.ok()) {
                             deliver(info.error());
                             return;
                         }
                         if (!info->isHarbor) {
                             deliver(Error(ErrorCode::Unsupported,
                                           u"%1 does not answer as Harbor (no /api/version or "
                                           u"/api/systeminfo)"_s.arg(registryHost())));
                             return;
                         }
                         m_generation = info->generation;
                         m_api->setGeneration(info->generation);
                         m_version = info->version;
                         m_generationKnown = true;
                         checkCredentials(deliver);
                     });
    });
}

void HarborBackend::checkCredentials(std::function<void(Result<void>)> deliver)
{
    {
        if (!m_api->hasCredentials()) {
            deliver(Result<void>()); // anonymous: public projects only
            return;
        }
        CallOptions options;
        options.priority = Priority::Interactive;
        const bool isRobot = client()->endpoint().credentials.username.startsWith(u"robot$"_s);
        m_api->send("GET", u"/users/current"_s, {}, {}, options, this,
                    [this, deliver, isRobot](const Response &response) {
                        // Robots have no user record: Harbor answers users/current with an
                        // error other than 401 for them (412 "not available for security
                        // context: robot"). A wrong robot secret is anonymous, hence 401.
                        if (response.status == 412 && isRobot) {
                            deliver(Result<void>());
                            return;
                        }
                        if (response.status == 401 || response.status == 403
                            || response.error.code == ErrorCode::Unauthorized) {
                            deliver(Error(ErrorCode::Unauthorized,
                                          u"Connecting to %1: Harbor did not accept the user "
                                          u"name or password"_s.arg(registryHost()),
                                          401));
                            return;
                        }
                        deliver(harborError(response, u"Connecting to %1"_s.arg(registryHost())));
                    });
    }
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

void HarborBackend::fetchTagExtras(const QString &repository, const QString &tag,
                                   const CallOptions &options, QObject *context,
                                   Callback<HarborTagExtras> done)
{
    auto deliver = guarded<HarborTagExtras>(context, std::move(done));
    const QString path = m_api->repositoryPath(repository);
    if (path.isEmpty() || !ImageReference::isValidTag(tag)) {
        failLater<HarborTagExtras>(
                this, deliver,
                Error(ErrorCode::InvalidInput, u"not a Harbor tag: %1:%2"_s.arg(repository, tag)));
        return;
    }
    const QString what = u"Harbor details of %1:%2"_s.arg(repository, tag);
    if (m_generation == HarborGeneration::V1) {
        m_api->getPage(path + u"/tags/"_s + tag, {}, what, options, this,
                       [deliver, what](Result<HarborPage> page) {
                           if (!page.ok()) {
                               deliver(page.error());
                               return;
                           }
                           Result<HarborTagExtras> extras = parseHarborV1Tag(page->body);
                           if (!extras.ok()) {
                               Error error = extras.error();
                               error.message = what + u": "_s + error.message;
                               deliver(error);
                               return;
                           }
                           deliver(extras);
                       });
        return;
    }
    // Two small requests in parallel: the artifact (labels, scan, size, references) without its
    // tags (it may have thousands), and just this tag (its own push/pull time, immutability).
    struct State
    {
        std::optional<Result<HarborArtifact>> artifact;
        std::optional<Result<HarborTag>> tag;
    };
    auto state = std::make_shared<State>();
    const auto finish = [state, deliver, tag, what] {
        if (!state->artifact || !state->tag)
            return;
        if (!state->artifact->ok()) {
            deliver(state->artifact->error());
            return;
        }
        // The tag's own times are a nicety: without them the artifact's stand in.
        HarborTag harborTag;
        harborTag.name = tag;
        if (state->tag->ok())
            harborTag = **state->tag;
        deliver(tagExtras(**state->artifact, harborTag));
    };
    m_api->getPage(path + u"/artifacts/"_s + tag,
                   {{u"with_tag"_s, u"false"_s},
                    {u"with_label"_s, u"true"_s},
                    {u"with_scan_overview"_s, u"true"_s}},
                   what, options, this, [state, finish, what](Result<HarborPage> page) {
                       if (!page.ok()) {
                           state->artifact = Result<HarborArtifact>(page.error());
                       } else {
                           Result<HarborArtifact> artifact = parseHarborArtifact(page->body);
                           if (!artifact.ok()) {
                               Error error = artifact.error();
                               error.message = what + u": "_s + error.message;
                               artifact = Result<HarborArtifact>(error);
                           }
                           state->artifact = std::move(artifact);
                       }
                       finish();
                   });
    m_api->getPage(path + u"/artifacts/"_s + tag + u"/tags"_s,
                   {{u"q"_s, u"name="_s + tag},
                    {u"page_size"_s, u"1"_s},
                    {u"with_immutable_status"_s, u"true"_s}},
                   what, options, this, [state, finish, tag](Result<HarborPage> page) {
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
                       state->tag = std::move(found);
                       finish();
                   });
}

void HarborBackend::resolveTag(const QString &repository, const QString &tag,
                               const CallOptions &options, QObject *context,
                               Callback<TagDigest> done)
{
    m_registry->resolveTag(repository, tag, options, context, std::move(done));
}

void HarborBackend::fetchMetadata(const QString &repository, const QString &reference,
                                  const CallOptions &options, QObject *context,
                                  Callback<ImageMetadata> done)
{
    m_registry->fetchMetadata(repository, reference, options, context, std::move(done));
}

void HarborBackend::fetchManifest(const QString &repository, const QString &reference,
                                  const CallOptions &options, QObject *context,
                                  Callback<FetchedManifest> done)
{
    m_registry->fetchManifest(repository, reference, options, context, std::move(done));
}

void HarborBackend::addTag(const QString &repository, const QString &sourceReference,
                           const QString &targetRepository, const QString &newTag, QObject *context,
                           Callback<QString> done)
{
    auto deliver = guarded<QString>(context, std::move(done));
    const QString target = targetRepository.isEmpty() ? repository : targetRepository;
    if (!ImageReference::isValidTag(newTag)) {
        failLater<QString>(this, deliver,
                           Error(ErrorCode::InvalidInput, u"not a valid tag: %1"_s.arg(newTag)));
        return;
    }
    if (m_api->repositoryPath(target).isEmpty() || m_api->repositoryPath(repository).isEmpty()
        || !ImageReference::isValidRepositoryPath(target)) {
        failLater<QString>(
                this, deliver,
                Error(ErrorCode::InvalidInput,
                      u"not a Harbor repository name (project/repository): %1"_s.arg(
                              m_api->repositoryPath(target).isEmpty() ? target : repository)));
        return;
    }
    // The digest first: the result names it, and a copy must name the exact artifact.
    const auto withDigest = [this, repository, sourceReference, target, newTag,
                             deliver](const QString &digest) {
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
            m_api->write("POST", m_api->repositoryPath(target) + u"/tags"_s, {}, jsonBody(request),
                         what, this, [digest, deliver](Result<void> result) {
                             if (!result.ok())
                                 deliver(result.error());
                             else
                                 deliver(digest);
                         });
            return;
        }
        if (target == repository) {
            tagDigest(target, digest, newTag, deliver);
            return;
        }
        m_api->write("POST", m_api->repositoryPath(target) + u"/artifacts"_s,
                     {{u"from"_s, repository + u'@' + digest}}, {},
                     u"Copying %1@%2 to %3"_s.arg(repository, Digest::shortForm(digest), target),
                     this, [this, target, digest, newTag, deliver](Result<void> copied) {
                         // 409: the artifact is in the target already; tagging it is all
                         // that is left to do.
                         if (!copied.ok() && copied.error().code != ErrorCode::Conflict) {
                             deliver(copied.error());
                             return;
                         }
                         tagDigest(target, digest, newTag, deliver);
                     });
    };
    if (Digest::isValid(sourceReference)) {
        QTimer::singleShot(0, this, [withDigest, sourceReference] { withDigest(sourceReference); });
        return;
    }
    CallOptions options;
    options.priority = Priority::Interactive;
    m_registry->resolveTag(repository, sourceReference, options, this,
                           [withDigest, deliver](Result<TagDigest> resolved) {
                               if (!resolved.ok()) {
                                   deliver(resolved.error());
                                   return;
                               }
                               withDigest(resolved->digest);
                           });
}

void HarborBackend::tagDigest(const QString &target, const QString &digest, const QString &newTag,
                              std::function<void(Result<QString>)> deliver)
{
    m_api->write("POST", m_api->repositoryPath(target) + u"/artifacts/"_s + digest + u"/tags"_s, {},
                 jsonBody(QJsonObject{{u"name"_s, newTag}}),
                 u"Adding tag %1 to %2@%3"_s.arg(newTag, target, Digest::shortForm(digest)), this,
                 [digest, deliver](Result<void> tagged) {
                     if (!tagged.ok())
                         deliver(tagged.error());
                     else
                         deliver(digest);
                 });
}

void HarborBackend::deleteTag(const QString &repository, const QString &tag, QObject *context,
                              Callback<void> done)
{
    auto deliver = guarded<void>(context, std::move(done));
    const QString path = m_api->repositoryPath(repository);
    if (!ImageReference::isValidTag(tag) || path.isEmpty()) {
        failLater<void>(
                this, deliver,
                Error(ErrorCode::InvalidInput, u"not a Harbor tag: %1:%2"_s.arg(repository, tag)));
        return;
    }
    const QString what = u"Removing tag %1:%2"_s.arg(repository, tag);
    const QString tagPath = m_generation == HarborGeneration::V2
                                    ? QString(path + u"/artifacts/"_s + tag + u"/tags/"_s + tag)
                                    : QString(path + u"/tags/"_s + tag);
    m_api->write("DELETE", tagPath, {}, {}, what, this, deliver);
}

void HarborBackend::deleteImage(const QString &repository, const QString &digest, QObject *context,
                                Callback<void> done)
{
    if (m_generation == HarborGeneration::V1) {
        m_registry->deleteImage(repository, digest, context, std::move(done));
        return;
    }
    auto deliver = guarded<void>(context, std::move(done));
    const QString path = m_api->repositoryPath(repository);
    if (!Digest::isValid(digest) || path.isEmpty()) {
        failLater<void>(this, deliver,
                        Error(ErrorCode::InvalidInput,
                              u"not a Harbor artifact: %1@%2"_s.arg(repository, digest)));
        return;
    }
    m_api->write("DELETE", path + u"/artifacts/"_s + digest, {}, {},
                 u"Deleting %1@%2"_s.arg(repository, Digest::shortForm(digest)), this, deliver);
}

void HarborBackend::cancel(OwnerId owner)
{
    scheduler()->cancelOwner(owner);
}

void HarborBackend::setOwnerPriority(OwnerId owner, Priority priority)
{
    scheduler()->setOwnerPriority(owner, priority);
}

RequestScheduler *HarborBackend::scheduler() const
{
    return m_registry->scheduler();
}

} // namespace Berth
