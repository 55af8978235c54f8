#include "models/tags/tagoperations.h"

#include "models/metadata/requestpump.h"
#include "models/tags/naturalcompare.h"

#include "net/backend/pager.h"
#include "net/backend/registrybackend.h"
#include "net/core/digest.h"

#include <algorithm>
#include <memory>

using namespace Qt::StringLiterals;

namespace Berth {

namespace {

Error sessionClosed()
{
    return Error(ErrorCode::Cancelled, u"the registry session is closed"_s);
}

//! One job per tag (start(tag)), side by side: collect(value, tag, result) folds each result into
//! the task's value, an error it returns ends the task at once; the task finishes with the value
//! when every job did.
template<typename T, typename Start, typename Collect>
void awaitEach(Task<T> *task, const QStringList &tags, Start start, Collect collect)
{
    auto value = std::make_shared<T>();
    auto pending = std::make_shared<qsizetype>(tags.size());
    if (tags.isEmpty()) {
        task->finish(*value);
        return;
    }
    for (const QString &tag : tags) {
        task->await(start(tag), [task, value, pending, tag, collect](const auto &result) {
            if (const Error error = collect(*value, tag, result); error.isError()) {
                task->fail(error);
                return;
            }
            if (--*pending == 0)
                task->finish(*value);
        });
    }
}

//! Every tag of a repository with the digest it points at now: the listing, then a HEAD per tag
//! with a bounded number in flight. A tag removed between the two is simply not in the result.
class CurrentTagsJob final : public ResultJob<QHash<QString, QString>>
{
    Q_DISABLE_COPY_MOVE(CurrentTagsJob)
public:
    CurrentTagsJob(RegistryBackend *backend, const QString &repository, QObject *parent)
        : ResultJob<QHash<QString, QString>>(Priority::Interactive, parent)
        , m_backend(backend)
        , m_repository(repository)
    {
        list();
    }

    //! HEADs in flight at once: 16 keeps the scheduler's 6 connections per host busy without
    //! queueing the whole repository at once.
    static constexpr int ResolveWindow = 16;

private:
    void list()
    {
        // One page of names per request that the server allows; the names are all needed.
        m_pager = m_backend->createTagPager(m_repository, this);
        m_pager->setPageSize(ListPageSize);
        connect(m_pager, &Pager::pageReady, this, [this](const QStringList &names) {
            m_tags += names;
            if (m_pager->hasMore())
                m_pager->fetchNext();
            else
                resolveNext();
        });
        connect(m_pager, &Pager::failed, this, [this](const Error &error) {
            // The message keeps the code's name: callers show it as it is.
            Error failure = error;
            failure.message = u"listing tags: "_s + error.toString();
            finish(failure);
        });
        m_pager->fetchNext();
    }

    void resolveNext()
    {
        m_pump.run(m_tags.size(), m_resolving, [this](qint64 index) {
            resolve(m_tags.at(index));
            return true;
        });
        if (m_resolving == 0 && m_pump.next() >= m_tags.size())
            finish(m_digests);
    }

    void resolve(const QString &tag)
    {
        ++m_resolving;
        awaitJob(m_backend->resolveTag(m_repository, tag, priority()),
                 [this, tag](const Result<TagDigest> &resolved) {
                     --m_resolving;
                     if (!resolved.ok() && resolved.error().code != ErrorCode::NotFound) {
                         Error error = resolved.error();
                         error.message = u"resolving %1: %2"_s.arg(tag, error.toString());
                         finish(error);
                         return;
                     }
                     if (resolved.ok())
                         m_digests.insert(tag, resolved->digest);
                     resolveNext();
                 });
    }

    // Names a page: the same as `berth tags` asks for (few round trips, early feedback).
    static constexpr int ListPageSize = 1000;

    QPointer<RegistryBackend> m_backend;
    QString m_repository;
    Pager *m_pager = nullptr;
    QStringList m_tags;
    QHash<QString, QString> m_digests;
    RequestPump m_pump{ResolveWindow};
    int m_resolving = 0;
};

} // namespace

TagOperations::TagOperations(RegistryBackend *backend, QObject *parent)
    : QObject(parent)
    , m_backend(backend)
{}

TagOperations::TagOperations(RegistryBackend *backend, const KnownState &known, QObject *parent)
    : QObject(parent)
    , m_backend(backend)
    , m_known(known)
{}

ResultJob<QHash<QString, QString>> *TagOperations::resolveDigests(const QString &repository,
                                                                  const QStringList &tags)
{
    using Digests = QHash<QString, QString>;
    if (!m_backend)
        return failedJob<Digests>(sessionClosed(), this);
    auto *task = new Task<Digests>(Priority::Interactive, this);
    awaitEach(
            task, tags,
            [this, repository](const QString &tag) {
                return m_backend->resolveTag(repository, tag, Priority::Interactive);
            },
            [](Digests &digests, const QString &tag, const Result<TagDigest> &resolved) {
                if (!resolved.ok())
                    return resolved.error();
                digests.insert(tag, resolved->digest);
                return Error();
            });
    return task;
}

ResultJob<RetagResult> *TagOperations::retag(const QString &repository, const QString &source,
                                             const QString &targetRepository, const QString &newTag)
{
    if (!m_backend)
        return failedJob<RetagResult>(sessionClosed(), this);
    auto *task = new Task<RetagResult>(Priority::Interactive, this);
    const QString target = targetRepository.isEmpty() ? repository : targetRepository;
    const auto addTag
            = [this, task, repository, targetRepository, target, newTag](const QString &digest) {
                  task->await(m_backend->addTag(repository, digest, targetRepository, newTag),
                              [this, task, target, newTag, digest](const Result<QString> &added) {
                                  if (!added.ok())
                                      task->fail(added.error());
                                  else
                                      verifyRetag(task, target, newTag, digest);
                              });
              };
    if (Digest::isValid(source)) {
        addTag(source);
        return task;
    }
    task->await(m_backend->resolveTag(repository, source, Priority::Interactive),
                [task, addTag](const Result<TagDigest> &resolved) {
                    if (!resolved.ok())
                        task->fail(resolved.error());
                    else
                        addTag(resolved->digest);
                });
    return task;
}

void TagOperations::verifyRetag(Task<RetagResult> *task, const QString &target,
                                const QString &newTag, const QString &digest)
{
    // Verified with the registry itself, not with what the write answered.
    task->await(m_backend->resolveTag(target, newTag, Priority::Interactive),
                [task, target, newTag, digest](const Result<TagDigest> &check) {
                    RetagResult result{digest, {}, {}};
                    if (!check.ok()) {
                        result.verification = check.error();
                    } else {
                        result.verifiedDigest = check->digest;
                        if (check->digest != digest) {
                            result.verification
                                    = Error(ErrorCode::DigestMismatch,
                                            u"%1:%2 points at %3 instead of %4"_s.arg(
                                                    target, newTag, check->digest, digest));
                        }
                    }
                    task->finish(result);
                });
}

ResultJob<void> *TagOperations::deleteTag(const QString &repository, const QString &tag,
                                          const QString &expectedDigest)
{
    if (!m_backend)
        return failedJob<void>(sessionClosed(), this);
    auto *task = new Task<void>(Priority::Interactive, this);
    task->await(m_backend->deleteTag(repository, tag, expectedDigest),
                [this, task, repository, tag](const Result<void> &deleted) {
                    if (deleted.ok())
                        m_known.forgetTags(repository, {tag});
                    task->finish(deleted);
                });
    return task;
}

ResultJob<TagsDeleted> *TagOperations::deleteTags(const QString &repository,
                                                  const QStringList &tags,
                                                  const QHash<QString, QString> &expectedDigests)
{
    if (!m_backend)
        return failedJob<TagsDeleted>(sessionClosed(), this);
    auto *task = new Task<TagsDeleted>(Priority::Interactive, this);
    // A tag that cannot be deleted does not stop the others: the outcome lists both.
    awaitEach(
            task, tags,
            [this, repository, expectedDigests](const QString &tag) {
                return deleteTag(repository, tag, expectedDigests.value(tag));
            },
            [](TagsDeleted &outcome, const QString &tag, const Result<void> &result) {
                if (result.ok()) {
                    outcome.deleted.append(tag);
                } else {
                    outcome.failed.append(tag);
                    outcome.error = result.error();
                }
                return Error();
            });
    return task;
}

ResultJob<void> *TagOperations::deleteImage(const QString &repository, const QString &digest)
{
    if (!m_backend)
        return failedJob<void>(sessionClosed(), this);
    auto *task = new Task<void>(Priority::Interactive, this);
    task->await(m_backend->deleteImage(repository, digest),
                [this, task, repository, digest](const Result<void> &deleted) {
                    // The manifest is gone, so is every tag on it (Harbor 1.x and plain
                    // registries alike): the cache must not show any of them again.
                    if (deleted.ok())
                        m_known.forgetImage(repository, digest);
                    task->finish(deleted);
                });
    return task;
}

ResultJob<QStringList> *TagOperations::tagsOfDigest(const QString &repository,
                                                    const QString &digest)
{
    if (!m_backend)
        return failedJob<QStringList>(sessionClosed(), this);
    auto *task = new Task<QStringList>(Priority::Interactive, this);
    task->await(new CurrentTagsJob(m_backend, repository, task),
                [task, digest](const Result<QHash<QString, QString>> &current) {
                    if (!current.ok())
                        return task->fail(current.error());
                    QStringList siblings;
                    for (auto it = current->cbegin(); it != current->cend(); ++it) {
                        if (it.value() == digest)
                            siblings.append(it.key());
                    }
                    std::sort(siblings.begin(), siblings.end(),
                              [](const QString &a, const QString &b) {
                                  return naturalCompare(a, b) < 0;
                              });
                    task->finish(siblings);
                });
    return task;
}

ResultJob<QHash<QString, QString>> *TagOperations::currentTags(const QString &repository)
{
    if (!m_backend)
        return failedJob<QHash<QString, QString>>(sessionClosed(), this);
    return new CurrentTagsJob(m_backend, repository, this);
}

} // namespace Berth
