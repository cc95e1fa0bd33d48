using System.Globalization;
using System.Numerics;

namespace ConvEngine;

/// <summary>
/// Decimal formatting of a double's exact binary value with round-half-to-even, as Python's
/// <c>'{:.4f}'</c> and <c>'{:.4e}'</c> do (.NET's formats round ties away from zero, which would make
/// <c>1.03125</c> print as 1.0313 where PyTorch prints 1.0312).
/// </summary>
internal static class ExactDecimal
{
    /// <summary><paramref name="value"/> with <paramref name="digits"/> digits after the point (finite values only).</summary>
    public static string Fixed(double value, int digits)
    {
        var (sign, scaled) = RoundScaled(value, digits);
        string s = scaled.ToString(CultureInfo.InvariantCulture).PadLeft(digits + 1, '0');
        return sign + (digits == 0 ? s : s[..^digits] + "." + s[^digits..]);
    }

    /// <summary><paramref name="value"/> as d.dddde±XX with <paramref name="digits"/> digits after the point.</summary>
    public static string Scientific(double value, int digits)
    {
        int exponent = value == 0 ? 0 : (int)Math.Floor(Math.Log10(Math.Abs(value)));
        // Log10 can be off by one near powers of ten; settle the exponent on the rounded mantissa.
        for (int attempt = 0; ; attempt++)
        {
            var (sign, mantissa) = RoundScaled(value, digits - exponent);
            var limit = BigInteger.Pow(10, digits + 1);
            if (value != 0 && mantissa >= limit && attempt < 3) { exponent++; continue; }
            if (value != 0 && mantissa < limit / 10 && attempt < 3) { exponent--; continue; }
            string m = mantissa.ToString(CultureInfo.InvariantCulture).PadLeft(digits + 1, '0');
            string e = (exponent < 0 ? "-" : "+") + Math.Abs(exponent).ToString("00", CultureInfo.InvariantCulture);
            return $"{sign}{m[0]}.{m[1..]}e{e}";
        }
    }

    // round(|value| · 10^power) half to even, computed exactly on value = mantissa · 2^exponent.
    private static (string Sign, BigInteger Scaled) RoundScaled(double value, int power)
    {
        long bits = BitConverter.DoubleToInt64Bits(value);
        string sign = bits < 0 ? "-" : "";
        int rawExponent = (int)((bits >> 52) & 0x7ff);
        long fraction = bits & 0xfffffffffffffL;
        BigInteger mantissa = rawExponent == 0 ? fraction : fraction | (1L << 52);
        int exponent2 = (rawExponent == 0 ? 1 : rawExponent) - 1075;

        BigInteger numerator = mantissa, denominator = BigInteger.One;
        if (exponent2 >= 0) numerator <<= exponent2; else denominator <<= -exponent2;
        if (power >= 0) numerator *= BigInteger.Pow(10, power); else denominator *= BigInteger.Pow(10, -power);
        var quotient = BigInteger.DivRem(numerator, denominator, out var remainder);
        int half = (remainder * 2).CompareTo(denominator);
        if (half > 0 || (half == 0 && !quotient.IsEven)) quotient += 1;
        return (sign, quotient);
    }
}
