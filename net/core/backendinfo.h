#pragma once

#include <QString>

namespace Berth {

//! Harbor's API generations: 2.x (/api/v2.0, artifacts) and 1.x (/api, tags of repositories).
enum class HarborGeneration { V1, V2 };

//! Which implementation of RegistryBackend talks to a server.
enum class BackendKind {
    Registry, //!< a plain OCI Distribution / Docker Registry v2 server (OciBackend)
    Harbor,   //!< Harbor's own API beside its registry
};

//! "registry" / "harbor": the same names as RegistryBackend::kindName().
QString backendKindName(BackendKind kind);

//! What detection found out about a server.
struct BackendInfo
{
    BackendKind kind = BackendKind::Registry;
    //! A person-readable product name: "Docker Registry (Distribution API v2)", "Harbor".
    QString product;
    //! The server's version when it says ("v2.10.0"); empty when unknown.
    QString version;
    //! True when the server would only talk to us with credentials (anonymous /v2/ refused).
    //! Whether the configured credentials work is for RegistryBackend::connectToRegistry().
    bool requiresAuthentication = false;
    //! True when the server challenged the anonymous /v2/ probe (token or basic auth), whether
    //! or not an anonymous token then got through: credentials, if any, would be used, so only
    //! connecting with them tells whether they work.
    bool usesAuthentication = false;
    //! Harbor only: which API generation it speaks.
    HarborGeneration harborGeneration = HarborGeneration::V2;
};

} // namespace Berth
