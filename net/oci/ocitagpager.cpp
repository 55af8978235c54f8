#include "net/oci/ocitagpager.h"

namespace Berth {

OciTagPager::OciTagPager(RegistryClient *client, const QString &repository, QObject *parent)
    : OciListPager(client, parent)
    , m_repository(repository)
{}

ResultJob<NamesPage> *OciTagPager::requestPage(const QUrl &next, Priority priority)
{
    return client()->tagsPage(m_repository, pageSize(), next, priority);
}

} // namespace Berth
