#include "net/core/imagereference.h"

#include "net/core/digest.h"

#include <QHostAddress>
#include <QRegularExpression>

using namespace Qt::StringLiterals;

namespace Berth {

namespace {

// Distribution's reference grammar (github.com/distribution/reference, regexp.go), anchored.
constexpr QLatin1StringView DomainComponent{"(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])"};
constexpr QLatin1StringView Ipv6{"\\[[a-fA-F0-9:]+\\]"};
constexpr QLatin1StringView PathComponent{"[a-z0-9]+(?:(?:[._]|__|[-]+)[a-z0-9]+)*"};

// Docker Hub's names: what people type, what the API host is, and the implicit namespace.
constexpr QLatin1StringView HubDisplayHost{"docker.io"};
constexpr QLatin1StringView HubLegacyHost{"index.docker.io"};
constexpr QLatin1StringView HubApiHost{"registry-1.docker.io"};
constexpr QLatin1StringView HubOfficialNamespace{"library/"};

// The grammar's limit on the whole name, host included (NameTotalLengthMax).
constexpr qsizetype MaxNameLength = 255;

const QRegularExpression &domainPattern()
{
    static const QRegularExpression re(
            u"\\A(?:%1(?:\\.%1)*|%2)(?::[0-9]+)?\\z"_s.arg(DomainComponent, Ipv6));
    return re;
}

const QRegularExpression &pathPattern()
{
    static const QRegularExpression re(u"\\A%1(?:/%1)*\\z"_s.arg(PathComponent));
    return re;
}

bool isWordChar(QChar c)
{
    const char16_t u = c.unicode();
    return (u >= u'a' && u <= u'z') || (u >= u'A' && u <= u'Z') || (u >= u'0' && u <= u'9')
           || u == u'_';
}

Error invalid(const QString &text, const QString &why)
{
    return Error(ErrorCode::InvalidInput, u"Invalid reference \"%1\": %2"_s.arg(text, why));
}

struct SplitName
{
    QString domain;
    QString remote;
};

// Docker's rule: the first component is a host only if it looks like one ('.' or ':'),
// is "localhost", or has uppercase letters (which a repository path cannot have).
SplitName splitDomain(const QString &name)
{
    const qsizetype slash = name.indexOf(u'/');
    if (slash < 0)
        return {{}, name};
    const QString first = name.left(slash);
    const bool looksLikeHost = first.contains(u'.') || first.contains(u':') || first == u"localhost"
                               || first != first.toLower();
    if (!looksLikeHost)
        return {{}, name};
    return {first, name.mid(slash + 1)};
}

QString normaliseRegistry(const QString &domain)
{
    const QString lower = domain.toLower();
    if (lower.isEmpty() || lower == HubDisplayHost || lower == HubLegacyHost)
        return HubApiHost;
    // Host names are case-insensitive and lowercase is their normal form, except for a host
    // whose only mark of being a host is its uppercase letters (docker's rule: "Foo/bar"):
    // lowercased it would read as a Docker Hub namespace, and toString() would no longer parse
    // back to the same registry (found by tests/fuzz/fuzz_imagereference).
    if (!lower.contains(u'.') && !lower.contains(u':') && lower != u"localhost")
        return domain;
    return lower;
}

bool isHub(const QString &registry)
{
    return registry == HubApiHost;
}

} // namespace

bool ImageReference::isValidTag(QStringView tag)
{
    if (tag.isEmpty() || tag.size() > 128 || !isWordChar(tag.front()))
        return false;
    for (QChar c : tag) {
        if (!isWordChar(c) && c != u'.' && c != u'-')
            return false;
    }
    return true;
}

bool ImageReference::isValidRepositoryPath(QStringView path)
{
    return pathPattern().match(path).hasMatch();
}

bool ImageReference::isLoopbackHost(QStringView registryHost)
{
    QStringView host = registryHost;
    if (host.startsWith(u'[')) {
        const qsizetype close = host.indexOf(u']');
        if (close < 0)
            return false;
        host = host.mid(1, close - 1);
    } else if (host.count(u':') == 1) {
        host = host.left(host.indexOf(u':'));
    }
    if (host.compare(u"localhost", Qt::CaseInsensitive) == 0)
        return true;
    QHostAddress address;
    return address.setAddress(host.toString()) && address.isLoopback();
}

Result<ImageReference> ImageReference::parse(const QString &text)
{
    const QString input = text.trimmed();
    if (input.isEmpty())
        return invalid(text, u"empty reference"_s);

    ImageReference ref;
    QString rest = input;
    const qsizetype at = rest.indexOf(u'@');
    if (at >= 0) {
        ref.m_digest = rest.mid(at + 1);
        rest.truncate(at);
        if (!Digest::isValid(ref.m_digest))
            return invalid(input,
                           u"\"%1\" is not a valid sha256 or sha512 digest"_s.arg(ref.m_digest));
    }
    const qsizetype colon = rest.lastIndexOf(u':');
    if (colon > rest.lastIndexOf(u'/')) {
        ref.m_tag = rest.mid(colon + 1);
        rest.truncate(colon);
        if (!isValidTag(ref.m_tag))
            return invalid(input, u"\"%1\" is not a valid tag"_s.arg(ref.m_tag));
    }
    if (rest.isEmpty())
        return invalid(input, u"missing repository name"_s);

    const SplitName split = splitDomain(rest);
    if (!split.domain.isEmpty() && !domainPattern().match(split.domain).hasMatch())
        return invalid(input, u"\"%1\" is not a valid registry host"_s.arg(split.domain));
    if (!isValidRepositoryPath(split.remote)) {
        if (isValidRepositoryPath(split.remote.toLower()))
            return invalid(input, u"repository name must be lowercase"_s);
        return invalid(input, u"\"%1\" is not a valid repository path"_s.arg(split.remote));
    }

    ref.m_registry = normaliseRegistry(split.domain);
    ref.m_repository = split.remote;
    if (isHub(ref.m_registry) && !ref.m_repository.contains(u'/'))
        ref.m_repository.prepend(HubOfficialNamespace);
    if (ref.repositoryName().size() > MaxNameLength)
        return invalid(input, u"repository name longer than %1 characters"_s.arg(MaxNameLength));
    return ref;
}

QString ImageReference::reference() const
{
    if (hasDigest())
        return m_digest;
    if (hasTag())
        return m_tag;
    return u"latest"_s;
}

QString ImageReference::displayRegistry() const
{
    return isHub(m_registry) ? QString(HubDisplayHost) : m_registry;
}

QString ImageReference::repositoryName() const
{
    return displayRegistry() + u'/' + m_repository;
}

QString ImageReference::toString() const
{
    QString text = repositoryName();
    if (hasTag())
        text += u':' + m_tag;
    if (hasDigest())
        text += u'@' + m_digest;
    return text;
}

ImageReference ImageReference::withTag(const QString &tag) const
{
    // A digest would win in reference(), so a new tag drops it.
    ImageReference copy = *this;
    copy.m_tag = tag;
    copy.m_digest.clear();
    return copy;
}

ImageReference ImageReference::withDigest(const QString &digest) const
{
    ImageReference copy = *this;
    copy.m_digest = digest;
    return copy;
}

ImageReference ImageReference::withRepository(const QString &repository) const
{
    // Tags and digests belong to a repository; another repository starts without them.
    ImageReference copy;
    copy.m_registry = m_registry;
    copy.m_repository = repository;
    return copy;
}

} // namespace Berth
