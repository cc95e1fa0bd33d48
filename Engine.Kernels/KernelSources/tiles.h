/*
 * Tiling of the matrix products (gemm.k, conv2d.k). A work-group of TILE_X × TILE_Y work-items computes a
 * TM × TN block of the result, each work-item a WM × WN grid of it held in registers. The host passes TM, TN,
 * TILE_X, TILE_Y and LOCAL_TILES as -D options (TilePlan.cs), choosing per product among a few block shapes
 * (square for large results, flat for few rows or columns) and per device between two ways of feeding it:
 *   LOCAL_TILES 1 (GPUs)         both operands are staged in LOCAL memory TK deep per step; work-item (tx, ty)
 *                                computes rows ty + TILE_Y·i and columns tx + TILE_X·j, so neighbouring
 *                                work-items read neighbouring LOCAL addresses.
 *   LOCAL_TILES 0 (CPU devices)  no staging: a CPU's caches already hold the operand blocks, while barriers
 *                                cut a work-group into separate loops over its work-items (PoCL runs the staged
 *                                form 3–10× slower); work-item (tx, ty) computes the contiguous block rows
 *                                ty·WM + i, columns tx·WN + j, reading the operands directly.
 */
#define TK 16
#define WM (TM / TILE_Y)
#define WN (TN / TILE_X)
#define TILE_THREADS (TILE_X * TILE_Y)

/* The result row and column of acc[i][j] (see tiled_product.inc). */
#if LOCAL_TILES
#define TILE_ROW(i) (row0 + ty + TILE_Y * (i))
#define TILE_COL(j) (col0 + tx + TILE_X * (j))
#else
#define TILE_ROW(i) (row0 + ty * WM + (i))
#define TILE_COL(j) (col0 + tx * WN + (j))
#endif
