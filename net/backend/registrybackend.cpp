#include "net/backend/registrybackend.h"

using namespace Qt::StringLiterals;

namespace Berth {

ResultJob<TagExtras> *RegistryBackend::fetchTagExtras(const QString &repository, const QString &tag,
                                                      Priority priority)
{
    Q_UNUSED(repository)
    Q_UNUSED(priority)
    return failedJob<TagExtras>(Error(ErrorCode::Unsupported,
                                      u"this registry keeps no extra data for tag %1"_s.arg(tag)),
                                this);
}

} // namespace Berth
