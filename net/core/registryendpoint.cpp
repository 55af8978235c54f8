#include "net/core/registryendpoint.h"

#include "net/core/imagereference.h"

using namespace Qt::StringLiterals;

namespace Berth {

bool RegistryEndpoint::isLoopback() const
{
    return ImageReference::isLoopbackHost(host);
}

QUrl RegistryEndpoint::baseUrl() const
{
    const QString protocol = scheme == Scheme::Http ? u"http"_s : u"https"_s;
    return QUrl(protocol + u"://"_s + host);
}

bool RegistryEndpoint::plainHttpAllowed() const
{
    return scheme == Scheme::Http || isLoopback();
}

} // namespace Berth
