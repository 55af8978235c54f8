#include "net/core/sha256stream.h"

#include <openssl/evp.h>

#include <QString>

using namespace Qt::StringLiterals;

namespace Berth {

struct Sha256Stream::Context
{
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    ~Context() { EVP_MD_CTX_free(md); }
};

Sha256Stream::Sha256Stream()
    : m_context(std::make_unique<Context>())
{
    EVP_DigestInit_ex(m_context->md, EVP_sha256(), nullptr);
}

Sha256Stream::~Sha256Stream() = default;

void Sha256Stream::add(QByteArrayView bytes)
{
    if (!bytes.isEmpty())
        EVP_DigestUpdate(m_context->md, bytes.data(), size_t(bytes.size()));
}

Sha256Stream::Sum Sha256Stream::finish()
{
    Sum sum{};
    unsigned int length = 0;
    EVP_DigestFinal_ex(m_context->md, sum.data(), &length);
    EVP_DigestInit_ex(m_context->md, EVP_sha256(), nullptr);
    return sum;
}

QString Sha256Stream::finishDigest()
{
    return u"sha256:"_s + hex(finish());
}

QString Sha256Stream::hex(const Sum &sum)
{
    return QString::fromLatin1(QByteArray::fromRawData(reinterpret_cast<const char *>(sum.data()),
                                                       qsizetype(sum.size()))
                                       .toHex());
}

} // namespace Berth
