package dev.nova.formats.weights;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import java.util.Optional;
import org.apiguardian.api.API;

/**
 * The element types of tensors in weights files, by their safetensors names; those Nova reads as floats are F32, F16
 * and BF16.
 *
 * @since 1.4
 */
@API(status = EXPERIMENTAL, since = "1.4")
public enum DType {
    /** 64-bit float. */
    F64(8),
    /** 32-bit float. */
    F32(4),
    /** IEEE half precision. */
    F16(2),
    /** bfloat16: a float's upper half. */
    BF16(2),
    /** 64-bit integer. */
    I64(8),
    /** 32-bit integer. */
    I32(4),
    /** 16-bit integer. */
    I16(2),
    /** 8-bit integer. */
    I8(1),
    /** Unsigned byte. */
    U8(1),
    /** Boolean, one byte. */
    BOOL(1);

    private final int bytes;

    DType(int bytes) {
        this.bytes = bytes;
    }

    /** Bytes per element. */
    public int bytes() {
        return bytes;
    }

    /** Whether Nova reads this type as floats. */
    public boolean isFloat() {
        return this == F32 || this == F16 || this == BF16;
    }

    /**
     * The type of a safetensors name.
     *
     * @param name for example {@code F32}
     * @return the type, or empty for a name Nova does not know
     */
    public static Optional<DType> of(String name) {
        for (DType t : values()) {
            if (t.name().equals(name)) {
                return Optional.of(t);
            }
        }
        return Optional.empty();
    }

    /**
     * A half-precision value as a float (exact: every half is a float).
     *
     * @param bits the half's 16 bits
     * @return the float
     */
    public static float halfToFloat(short bits) {
        int h = bits & 0xffff;
        int sign = (h & 0x8000) << 16;
        int exponent = (h >>> 10) & 0x1f;
        int mantissa = h & 0x3ff;
        if (exponent == 0x1f) {                                   // infinity or NaN
            return Float.intBitsToFloat(sign | 0x7f800000 | (mantissa << 13));
        }
        if (exponent == 0) {
            if (mantissa == 0) {
                return Float.intBitsToFloat(sign);
            }
            float value = mantissa * 0x1p-24f;                    // subnormal: mantissa × 2^-24
            return sign == 0 ? value : -value;
        }
        return Float.intBitsToFloat(sign | ((exponent + 112) << 23) | (mantissa << 13));
    }

    /**
     * A float rounded to the nearest half (ties to even), as llama.cpp and PyTorch round; beyond the half's range it is
     * infinite.
     *
     * @param value the float
     * @return the half's 16 bits
     */
    public static short floatToHalf(float value) {
        int f = Float.floatToRawIntBits(value);
        int sign = (f >>> 16) & 0x8000;
        int exponent = (f >>> 23) & 0xff;
        int mantissa = f & 0x7fffff;
        if (exponent == 0xff) {
            return (short) (sign | 0x7c00 | (mantissa != 0 ? 0x200 | (mantissa >>> 13) : 0));
        }
        int e = exponent - 127 + 15;
        if (e >= 0x1f) {
            return (short) (sign | 0x7c00);
        }
        if (e <= 0) {
            if (e < -10) {
                return (short) sign;
            }
            int m = mantissa | 0x800000;                          // the implicit bit, then shift into a subnormal
            int shift = 14 - e;
            int half = m >>> shift;
            int rest = m & ((1 << shift) - 1);
            int halfway = 1 << (shift - 1);
            if (rest > halfway || (rest == halfway && (half & 1) == 1)) {
                half++;
            }
            return (short) (sign | half);
        }
        int half = (e << 10) | (mantissa >>> 13);
        int rest = mantissa & 0x1fff;
        if (rest > 0x1000 || (rest == 0x1000 && (half & 1) == 1)) {
            half++;                                               // may carry into the exponent: still correct
        }
        return (short) (sign | half);
    }
}
