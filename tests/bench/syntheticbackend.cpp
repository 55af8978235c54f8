#include "syntheticbackend.h"

#include "synthetictagpager.h"

#include <QMetaObject>

using namespace Qt::StringLiterals;

namespace Berth::Test {

SyntheticBackend::SyntheticBackend(qint64 tagCount, QObject *parent)
    : RegistryBackend(parent)
    , m_tagCount(tagCount)
{}

QString SyntheticBackend::kindName() const
{
    return u"synthetic"_s;
}

QString SyntheticBackend::registryHost() const
{
    return u"synthetic.invalid"_s;
}

template<typename T>
void SyntheticBackend::unsupported(QObject *context, Callback<T> done) const
{
    // Exactly one callback, from the event loop, as the interface promises.
    QMetaObject::invokeMethod(
            context,
            [done = std::move(done)] {
                done(Error(ErrorCode::Unsupported, u"the synthetic backend only lists tags"_s));
            },
            Qt::QueuedConnection);
}

void SyntheticBackend::connectToRegistry(QObject *context, Callback<void> done)
{
    QMetaObject::invokeMethod(
            context, [done = std::move(done)] { done({}); }, Qt::QueuedConnection);
}

Pager *SyntheticBackend::createRepositoryPager(const QString &prefix, QObject *parent)
{
    Q_UNUSED(prefix)
    return new SyntheticTagPager(0, parent);
}

Pager *SyntheticBackend::createTagPager(const QString &repository, QObject *parent)
{
    Q_UNUSED(repository)
    return new SyntheticTagPager(m_tagCount, parent);
}

void SyntheticBackend::resolveTag(const QString &, const QString &, const CallOptions &,
                                  QObject *context, Callback<TagDigest> done)
{
    unsupported(context, std::move(done));
}

void SyntheticBackend::fetchMetadata(const QString &, const QString &, const CallOptions &,
                                     QObject *context, Callback<ImageMetadata> done)
{
    unsupported(context, std::move(done));
}

void SyntheticBackend::fetchManifest(const QString &, const QString &, const CallOptions &,
                                     QObject *context, Callback<FetchedManifest> done)
{
    unsupported(context, std::move(done));
}

void SyntheticBackend::addTag(const QString &, const QString &, const QString &, const QString &,
                              QObject *context, Callback<QString> done)
{
    unsupported(context, std::move(done));
}

void SyntheticBackend::deleteTag(const QString &, const QString &, QObject *context,
                                 Callback<void> done)
{
    unsupported(context, std::move(done));
}

void SyntheticBackend::deleteImage(const QString &, const QString &, QObject *context,
                                   Callback<void> done)
{
    unsupported(context, std::move(done));
}

void SyntheticBackend::cancel(OwnerId owner)
{
    Q_UNUSED(owner)
}

void SyntheticBackend::setOwnerPriority(OwnerId owner, Priority priority)
{
    Q_UNUSED(owner)
    Q_UNUSED(priority)
}

} // namespace Berth::Test
