package org.sss.lib.config;

import org.sss.lib.wire.Digest;
import org.sss.lib.wire.KeyRing;

/**
 * Authentication settings from the {@code <security>} element: the challenge digest and the keys.
 *
 * @param digest the digest every connection's challenge uses
 * @param keys   the accepted keys, and the one this process presents
 */
public record Security(Digest digest, KeyRing keys) {
}
