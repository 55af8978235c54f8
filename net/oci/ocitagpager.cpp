#include "net/oci/ocitagpager.h"

namespace Berth {

OciTagPager::OciTagPager(RegistryClient *client, const QString &repository, QObject *parent)
    : OciListPager(client, parent)
    , m_repository(repository)
{}

void OciTagPager::requestPage(const QUrl &next, const CallOptions &options,
                              RegistryClient::Callback<NamesPage> done)
{
    client()->tagsPage(m_repository, pageSize(), next, options, this, std::move(done));
}

} // namespace Berth
