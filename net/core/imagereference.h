#pragma once

#include "net/core/error.h"

#include <QString>

namespace Berth {

//! A parsed, normalised image or repository reference
//! (distribution reference grammar: [host[:port]/]path[:tag][@digest]).
//!
//! Normalisation follows docker: no host or a first component without '.', ':' and not
//! "localhost" means Docker Hub; "docker.io" / "index.docker.io" become "registry-1.docker.io";
//! single-component Hub paths get "library/". Repository paths are lowercase-only by the grammar
//! and are rejected, not lowered, when they are not.
class ImageReference
{
public:
    ImageReference() = default;

    //! Parses text. A missing tag stays empty (see reference()); the caller decides whether a
    //! tag or digest is required.
    static Result<ImageReference> parse(const QString &text);

    static bool isValidTag(QStringView tag);              //!< [\w][\w.-]{0,127}
    static bool isValidRepositoryPath(QStringView path);  //!< path components per the grammar
    static bool isLoopbackHost(QStringView registryHost); //!< localhost, 127.0.0.0/8, [::1]

    QString registry() const { return m_registry; } //!< "registry-1.docker.io", "127.0.0.1:5000"
    QString repository() const { return m_repository; } //!< "library/ubuntu", "team-a/api"
    QString tag() const { return m_tag; }
    QString digest() const { return m_digest; }
    bool hasTag() const { return !m_tag.isEmpty(); }
    bool hasDigest() const { return !m_digest.isEmpty(); }
    bool isValid() const { return !m_repository.isEmpty(); }

    //! What to ask the registry for: the digest if any, else the tag, else "latest".
    QString reference() const;
    //! Registry as a person types it: "docker.io" for Docker Hub, otherwise registry().
    QString displayRegistry() const;
    //! "host/repo" (display registry).
    QString repositoryName() const;
    //! Canonical "host/repo[:tag][@digest]" (display registry).
    QString toString() const;

    ImageReference withTag(const QString &tag) const;
    ImageReference withDigest(const QString &digest) const;
    ImageReference withRepository(const QString &repository) const;

    bool operator==(const ImageReference &other) const = default;

private:
    QString m_registry;
    QString m_repository;
    QString m_tag;
    QString m_digest;
};

} // namespace Berth
