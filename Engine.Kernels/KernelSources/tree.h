/*
 * Work-group reductions in LOCAL memory. A group of LOCAL_SIZE(0) work-items, a power of two no larger than
 * GROUP_MAX, each writes its partial result to part[LOCAL_ID(0)]; the helpers fold the halves together
 * (log2 steps, every work-item calling them) and leave the result in part[0] for all to read.
 */
#define GROUP_MAX 256

/* Sum. */
INLINE void tree_sum(LOCAL_ARG float* part)
{
    const int t = LOCAL_ID(0);
    BARRIER();
    for (int span = LOCAL_SIZE(0) / 2; span > 0; span /= 2)
    {
        if (t < span) part[t] += part[t + span];
        BARRIER();
    }
}

/* max(a, b) that returns NaN when either is NaN, as C#'s MathF.Max. */
INLINE float max_nan(float a, float b)
{
    return isnan(a) ? a : isnan(b) ? b : fmaxf(a, b);
}

/* Maximum, NaN winning. */
INLINE void tree_max(LOCAL_ARG float* part)
{
    const int t = LOCAL_ID(0);
    BARRIER();
    for (int span = LOCAL_SIZE(0) / 2; span > 0; span /= 2)
    {
        if (t < span) part[t] = max_nan(part[t], part[t + span]);
        BARRIER();
    }
}

/*
 * Whether candidate (va, ia) beats (vb, ib) as the first maximum: index -1 marks an empty candidate; NaN
 * beats numbers; then the larger value; on a tie the smaller index. So the winner is the element a sequential
 * scan keeping the first maximum (and stopping at the first NaN) would find.
 */
INLINE int argmax_beats(float va, int ia, float vb, int ib)
{
    if (ib < 0) return 1;
    if (ia < 0) return 0;
    int na = isnan(va) ? 1 : 0, nb = isnan(vb) ? 1 : 0;
    if (na != nb) return na;
    if (!na && va != vb) return va > vb;
    return ia < ib;
}

/* Arg-maximum of (value[t], index[t]) pairs by argmax_beats. */
INLINE void tree_argmax(LOCAL_ARG float* value, LOCAL_ARG int* index)
{
    const int t = LOCAL_ID(0);
    BARRIER();
    for (int span = LOCAL_SIZE(0) / 2; span > 0; span /= 2)
    {
        if (t < span && argmax_beats(value[t + span], index[t + span], value[t], index[t]))
        {
            value[t] = value[t + span];
            index[t] = index[t + span];
        }
        BARRIER();
    }
}
