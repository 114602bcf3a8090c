;; Scratchnet's kernels, float64 with f64x2 SIMD: the matmul (zero entries of op(A) skipped),
;; the elementwise ops and optimizer updates, and the jobs that worker threads share.
;; scripts/build-wasm.ts assembles four variants of this one file:
;;   - relaxed: f64x2.relaxed_madd kept (fused multiply-add where the CPU has it);
;;   - simd:    every (f64x2.relaxed_madd x y z) rewritten to (f64x2.add (f64x2.mul x y) z);
;;   - each with the memory import below either plain or `shared` (for worker threads).
;; All pointers are byte offsets into the imported memory; matrices are row-major f64.

(module
  (import "env" "memory" (memory 1 65536))

;; Compaction: a row of op(A) becomes a list of pairs (byte offset of the matching row of B,
  ;; value) for its nonzero entries, in order. f64.ne keeps NaN and drops -0, exactly like the
  ;; TypeScript kernels' `=== 0` test. NOTE: no branch depends on a single value, so MNIST's
  ;; irregular zero runs cost no mispredictions: where values are scanned one by one, every pair
  ;; is written and the cursor only advances past a nonzero; two columns at once go through bit
  ;; masks ($compact_columns2); a row skips all-zero quads with one branch.

  ;; A contiguous row of k values at src; zero quads (two f64x2) are skipped with one branch.
  (func $compact_row (param $src i32) (param $k i32) (param $rowBytes i32) (param $off i32) (param $val i32)
                     (result i32)
    (local $p i32) (local $q i32) (local $boff i32) (local $x f64) (local $lo v128) (local $hi v128)
    (block $quads_done
      (loop $quad
        (br_if $quads_done (i32.gt_u (i32.add (local.get $p) (i32.const 4)) (local.get $k)))
        (local.set $lo (v128.load offset=0 (local.get $src)))
        (local.set $hi (v128.load offset=16 (local.get $src)))
        (if (v128.any_true (v128.or (f64x2.ne (local.get $lo) (v128.const i64x2 0 0))
                                    (f64x2.ne (local.get $hi) (v128.const i64x2 0 0))))
          (then
            (local.set $x (f64x2.extract_lane 0 (local.get $lo)))
            (i32.store (i32.add (local.get $off) (i32.shl (local.get $q) (i32.const 2))) (local.get $boff))
            (f64.store (i32.add (local.get $val) (i32.shl (local.get $q) (i32.const 3))) (local.get $x))
            (local.set $q (i32.add (local.get $q) (f64.ne (local.get $x) (f64.const 0))))
            (local.set $x (f64x2.extract_lane 1 (local.get $lo)))
            (i32.store (i32.add (local.get $off) (i32.shl (local.get $q) (i32.const 2)))
                       (i32.add (local.get $boff) (local.get $rowBytes)))
            (f64.store (i32.add (local.get $val) (i32.shl (local.get $q) (i32.const 3))) (local.get $x))
            (local.set $q (i32.add (local.get $q) (f64.ne (local.get $x) (f64.const 0))))
            (local.set $x (f64x2.extract_lane 0 (local.get $hi)))
            (i32.store (i32.add (local.get $off) (i32.shl (local.get $q) (i32.const 2)))
                       (i32.add (local.get $boff) (i32.shl (local.get $rowBytes) (i32.const 1))))
            (f64.store (i32.add (local.get $val) (i32.shl (local.get $q) (i32.const 3))) (local.get $x))
            (local.set $q (i32.add (local.get $q) (f64.ne (local.get $x) (f64.const 0))))
            (local.set $x (f64x2.extract_lane 1 (local.get $hi)))
            (i32.store (i32.add (local.get $off) (i32.shl (local.get $q) (i32.const 2)))
                       (i32.add (local.get $boff) (i32.mul (local.get $rowBytes) (i32.const 3))))
            (f64.store (i32.add (local.get $val) (i32.shl (local.get $q) (i32.const 3))) (local.get $x))
            (local.set $q (i32.add (local.get $q) (f64.ne (local.get $x) (f64.const 0))))))
        (local.set $src (i32.add (local.get $src) (i32.const 32)))
        (local.set $boff (i32.add (local.get $boff) (i32.shl (local.get $rowBytes) (i32.const 2))))
        (local.set $p (i32.add (local.get $p) (i32.const 4)))
        (br $quad)))
    (i32.add (local.get $q)
      (call $compact_strided (local.get $src) (i32.const 8) (i32.sub (local.get $k) (local.get $p))
        (local.get $rowBytes) (local.get $boff)
        (i32.add (local.get $off) (i32.shl (local.get $q) (i32.const 2)))
        (i32.add (local.get $val) (i32.shl (local.get $q) (i32.const 3))))))

  ;; Appends a pair (boff + j·rowBytes, value at src + j·step) at list position q onward for each
  ;; set bit j of mask, lowest first; returns the new q.
  (func $emit_pairs (param $mask i64) (param $src i32) (param $step i32) (param $boff i32) (param $rowBytes i32)
                    (param $off i32) (param $val i32) (param $q i32) (result i32)
    (local $j i32)
    (block $done
      (loop $bit
        (br_if $done (i64.eqz (local.get $mask)))
        (local.set $j (i32.wrap_i64 (i64.ctz (local.get $mask))))
        (i32.store (i32.add (local.get $off) (i32.shl (local.get $q) (i32.const 2)))
                   (i32.add (local.get $boff) (i32.mul (local.get $j) (local.get $rowBytes))))
        (f64.store (i32.add (local.get $val) (i32.shl (local.get $q) (i32.const 3)))
                   (f64.load (i32.add (local.get $src) (i32.mul (local.get $j) (local.get $step)))))
        (local.set $q (i32.add (local.get $q) (i32.const 1)))
        (local.set $mask (i64.and (local.get $mask) (i64.sub (local.get $mask) (i64.const 1))))
        (br $bit)))
    (local.get $q))

  ;; k values `step` bytes apart from src, one at a time; offsets start at boff.
  (func $compact_strided (param $src i32) (param $step i32) (param $k i32) (param $rowBytes i32)
                         (param $boff i32) (param $off i32) (param $val i32) (result i32)
    (local $p i32) (local $q i32) (local $x f64)
    (block $done
      (br_if $done (i32.eqz (local.get $k)))
      (loop $next
        (local.set $x (f64.load (local.get $src)))
        (i32.store (i32.add (local.get $off) (i32.shl (local.get $q) (i32.const 2))) (local.get $boff))
        (f64.store (i32.add (local.get $val) (i32.shl (local.get $q) (i32.const 3))) (local.get $x))
        (local.set $q (i32.add (local.get $q) (f64.ne (local.get $x) (f64.const 0))))
        (local.set $src (i32.add (local.get $src) (local.get $step)))
        (local.set $boff (i32.add (local.get $boff) (local.get $rowBytes)))
        (br_if $next (i32.ne (local.tee $p (i32.add (local.get $p) (i32.const 1))) (local.get $k)))))
    (local.get $q))

  ;; Two adjacent columns of a row-major matrix (rows `step` bytes apart, k of them, from src)
  ;; into two lists at once. Blocks of 64 rows: one f64x2 load per row gives both columns' bits
  ;; of a 64-bit mask of nonzeros (f64x2.ne), eight rows' bits at a time (narrowed to bytes, one
  ;; i8x16.bitmask), then $emit_pairs writes one pair per set bit. NOTE: a branch per row on its
  ;; values mispredicted on MNIST's columns (masks: W's Xᵀ·dy 9% faster, W2's 15%); the masks
  ;; built a row at a time took 14 instructions a row (eight at a time: W's Xᵀ·dy's compaction
  ;; 54 -> 29 µs on one thread, the product 4-7% faster; same bits).
  (func $compact_columns2 (param $src i32) (param $step i32) (param $k i32) (param $rowBytes i32)
                          (param $off0 i32) (param $val0 i32) (param $off1 i32) (param $val1 i32)
                          (result i32 i32)
    (local $p i32) (local $q0 i32) (local $q1 i32) (local $n i32) (local $j i32) (local $boff i32)
    (local $at i32) (local $bits i64) (local $mask0 i64) (local $mask1 i64)
    (block $blocks_done
      (loop $block
        (br_if $blocks_done (i32.ge_u (local.get $p) (local.get $k)))
        (local.set $n (select (i32.const 64) (i32.sub (local.get $k) (local.get $p))
                              (i32.gt_u (i32.sub (local.get $k) (local.get $p)) (i32.const 64))))
        (local.set $mask0 (i64.const 0))
        (local.set $mask1 (i64.const 0))
        (local.set $at (local.get $src))
        (local.set $j (i32.const 0))
        ;; Eight rows at a time: their sixteen compare results are narrowed to bytes and
        ;; shuffled so that one i8x16.bitmask gives column 0's eight bits, then column 1's.
        (block $eights_done
          (loop $eight
            (br_if $eights_done (i32.gt_u (i32.add (local.get $j) (i32.const 8)) (local.get $n)))
            (local.set $bits (i64.extend_i32_u (i8x16.bitmask
              (i8x16.shuffle 0 4 8 12 16 20 24 28 2 6 10 14 18 22 26 30
                (i8x16.narrow_i16x8_s
                  (i16x8.narrow_i32x4_s
                    (f64x2.ne (v128.load (local.get $at)) (v128.const i64x2 0 0))
                    (f64x2.ne (v128.load (local.tee $at (i32.add (local.get $at) (local.get $step)))) (v128.const i64x2 0 0)))
                  (i16x8.narrow_i32x4_s
                    (f64x2.ne (v128.load (local.tee $at (i32.add (local.get $at) (local.get $step)))) (v128.const i64x2 0 0))
                    (f64x2.ne (v128.load (local.tee $at (i32.add (local.get $at) (local.get $step)))) (v128.const i64x2 0 0))))
                (i8x16.narrow_i16x8_s
                  (i16x8.narrow_i32x4_s
                    (f64x2.ne (v128.load (local.tee $at (i32.add (local.get $at) (local.get $step)))) (v128.const i64x2 0 0))
                    (f64x2.ne (v128.load (local.tee $at (i32.add (local.get $at) (local.get $step)))) (v128.const i64x2 0 0)))
                  (i16x8.narrow_i32x4_s
                    (f64x2.ne (v128.load (local.tee $at (i32.add (local.get $at) (local.get $step)))) (v128.const i64x2 0 0))
                    (f64x2.ne (v128.load (local.tee $at (i32.add (local.get $at) (local.get $step)))) (v128.const i64x2 0 0))))))))
            (local.set $mask0 (i64.or (local.get $mask0)
              (i64.shl (i64.and (local.get $bits) (i64.const 255)) (i64.extend_i32_u (local.get $j)))))
            (local.set $mask1 (i64.or (local.get $mask1)
              (i64.shl (i64.shr_u (local.get $bits) (i64.const 8)) (i64.extend_i32_u (local.get $j)))))
            (local.set $at (i32.add (local.get $at) (local.get $step)))
            (local.set $j (i32.add (local.get $j) (i32.const 8)))
            (br $eight)))
        (if (i32.lt_u (local.get $j) (local.get $n)) (then
        (loop $row
          (local.set $bits (i64.extend_i32_u
            (i64x2.bitmask (f64x2.ne (v128.load (local.get $at)) (v128.const i64x2 0 0)))))
          (local.set $mask0 (i64.or (local.get $mask0)
            (i64.shl (i64.and (local.get $bits) (i64.const 1)) (i64.extend_i32_u (local.get $j)))))
          (local.set $mask1 (i64.or (local.get $mask1)
            (i64.shl (i64.shr_u (local.get $bits) (i64.const 1)) (i64.extend_i32_u (local.get $j)))))
          (local.set $at (i32.add (local.get $at) (local.get $step)))
          (br_if $row (i32.lt_u (local.tee $j (i32.add (local.get $j) (i32.const 1))) (local.get $n))))))
        (local.set $q0 (call $emit_pairs (local.get $mask0) (local.get $src) (local.get $step) (local.get $boff)
                                         (local.get $rowBytes) (local.get $off0) (local.get $val0) (local.get $q0)))
        (local.set $q1 (call $emit_pairs (local.get $mask1) (i32.add (local.get $src) (i32.const 8)) (local.get $step)
                                         (local.get $boff) (local.get $rowBytes) (local.get $off1) (local.get $val1)
                                         (local.get $q1)))
        (local.set $src (local.get $at))
        (local.set $boff (i32.add (local.get $boff) (i32.mul (local.get $n) (local.get $rowBytes))))
        (local.set $p (i32.add (local.get $p) (local.get $n)))
        (br $block)))
    (local.get $q0) (local.get $q1))

;; Pairs of rows. Where two rows of op(A) are both dense (hidden layers' activations and their
  ;; gradients are about half zeros, while an MNIST image is four-fifths zeros), they are compacted
  ;; into one list of the k where either is nonzero, each with both values (16 bytes), and their C
  ;; rows are computed together: every B load then serves two rows. A zero of one row where the
  ;; other is not adds 0·b, which leaves the sum exactly as it was (b finite; for a sum of -0 see
  ;; $pair_pays, and the relaxed variant's one exception under Quads below), so the results are
  ;; the same bits as two single rows. Measured on 784-800-800-10: 10-15% faster for the 800-wide
  ;; products, and slower for MNIST images (more entries, half of them zeros): those stay single.

  ;; Whether a pair of rows with c0 and c1 nonzeros of k is dense enough to go together (> 30%),
  ;; with lists long enough (48 entries together) to repay a pair's longer setup: at batch 32 a
  ;; weight gradient's rows (k = 32) went 3-17% slower in pairs.
  ;; NOTE: when C is added to (acc), both rows must have a nonzero: a row with none keeps C's
  ;; values as they are, -0 included, where the 0·b terms of its pair would turn -0 into +0.
  (func $pair_pays (param $c0 i32) (param $c1 i32) (param $k i32) (param $acc i32) (result i32)
    (if (i32.and (local.get $acc) (i32.or (i32.eqz (local.get $c0)) (i32.eqz (local.get $c1))))
      (then (return (i32.const 0))))
    (i32.and
      (i32.gt_u (i32.mul (i32.add (local.get $c0) (local.get $c1)) (i32.const 10))
                (i32.mul (local.get $k) (i32.const 6)))
      (i32.ge_u (i32.add (local.get $c0) (local.get $c1)) (i32.const 48))))

  ;; Two rows of op(A) into one list (see above): k pairs (src0[p·step], src1[p·step]). Two rows
  ;; of A stored [m,k] are src1 = src0 + 8k with step 8; two columns of A stored [k,m] (transA)
  ;; are src1 = src0 + 8 with step 8m.
  (func $compact_pair (param $src0 i32) (param $src1 i32) (param $step i32) (param $k i32) (param $rowBytes i32)
                      (param $off i32) (param $val i32) (result i32)
    (local $p i32) (local $q i32) (local $boff i32) (local $x v128)
    (block $done
      (br_if $done (i32.eqz (local.get $k)))
      (loop $next
        (local.set $x (v128.load64_lane 1 (local.get $src1) (v128.load64_zero (local.get $src0))))
        (i32.store (i32.add (local.get $off) (i32.shl (local.get $q) (i32.const 2))) (local.get $boff))
        (v128.store (i32.add (local.get $val) (i32.shl (local.get $q) (i32.const 4))) (local.get $x))
        (local.set $q (i32.add (local.get $q) (v128.any_true (f64x2.ne (local.get $x) (v128.const i64x2 0 0)))))
        (local.set $src0 (i32.add (local.get $src0) (local.get $step)))
        (local.set $src1 (i32.add (local.get $src1) (local.get $step)))
        (local.set $boff (i32.add (local.get $boff) (local.get $rowBytes)))
        (br_if $next (i32.ne (local.tee $p (i32.add (local.get $p) (i32.const 1))) (local.get $k)))))
    (local.get $q))

  ;; C rows at cp0 and cp1, columns 0..8 (=|+=) Σ_q (val[q].0 | val[q].1) · B[off[q], 0..8): eight
  ;; f64x2 accumulators, four per row, and each B load used twice.
  (func $pair8 (param $off i32) (param $val i32) (param $cnt i32) (param $bp0 i32) (param $cp0 i32) (param $cp1 i32)
               (param $acc i32)
    (local $a0 v128) (local $a1 v128) (local $a2 v128) (local $a3 v128)
    (local $b0 v128) (local $b1 v128) (local $b2 v128) (local $b3 v128)
    (local $x0 v128) (local $x1 v128) (local $w v128) (local $bp i32) (local $end i32)
    (if (local.get $acc)
      (then
        (local.set $a0 (v128.load offset=0 (local.get $cp0)))
        (local.set $a1 (v128.load offset=16 (local.get $cp0)))
        (local.set $a2 (v128.load offset=32 (local.get $cp0)))
        (local.set $a3 (v128.load offset=48 (local.get $cp0)))
        (local.set $b0 (v128.load offset=0 (local.get $cp1)))
        (local.set $b1 (v128.load offset=16 (local.get $cp1)))
        (local.set $b2 (v128.load offset=32 (local.get $cp1)))
        (local.set $b3 (v128.load offset=48 (local.get $cp1)))))
    (local.set $end (i32.add (local.get $off) (i32.shl (local.get $cnt) (i32.const 2))))
    (block $done
      (br_if $done (i32.eqz (local.get $cnt)))
      (loop $entry
        (local.set $bp (i32.add (local.get $bp0) (i32.load (local.get $off))))
        (local.set $x0 (v128.load64_splat (local.get $val)))
        (local.set $x1 (v128.load64_splat offset=8 (local.get $val)))
        (local.set $w (v128.load offset=0 (local.get $bp)))
        (local.set $a0 (f64x2.relaxed_madd (local.get $x0) (local.get $w) (local.get $a0)))
        (local.set $b0 (f64x2.relaxed_madd (local.get $x1) (local.get $w) (local.get $b0)))
        (local.set $w (v128.load offset=16 (local.get $bp)))
        (local.set $a1 (f64x2.relaxed_madd (local.get $x0) (local.get $w) (local.get $a1)))
        (local.set $b1 (f64x2.relaxed_madd (local.get $x1) (local.get $w) (local.get $b1)))
        (local.set $w (v128.load offset=32 (local.get $bp)))
        (local.set $a2 (f64x2.relaxed_madd (local.get $x0) (local.get $w) (local.get $a2)))
        (local.set $b2 (f64x2.relaxed_madd (local.get $x1) (local.get $w) (local.get $b2)))
        (local.set $w (v128.load offset=48 (local.get $bp)))
        (local.set $a3 (f64x2.relaxed_madd (local.get $x0) (local.get $w) (local.get $a3)))
        (local.set $b3 (f64x2.relaxed_madd (local.get $x1) (local.get $w) (local.get $b3)))
        (local.set $off (i32.add (local.get $off) (i32.const 4)))
        (local.set $val (i32.add (local.get $val) (i32.const 16)))
        (br_if $entry (i32.lt_u (local.get $off) (local.get $end)))))
    (v128.store offset=0 (local.get $cp0) (local.get $a0))
    (v128.store offset=16 (local.get $cp0) (local.get $a1))
    (v128.store offset=32 (local.get $cp0) (local.get $a2))
    (v128.store offset=48 (local.get $cp0) (local.get $a3))
    (v128.store offset=0 (local.get $cp1) (local.get $b0))
    (v128.store offset=16 (local.get $cp1) (local.get $b1))
    (v128.store offset=32 (local.get $cp1) (local.get $b2))
    (v128.store offset=48 (local.get $cp1) (local.get $b3)))

  ;; As $pair8 for 2 columns (one accumulator per row).
  (func $pair2 (param $off i32) (param $val i32) (param $cnt i32) (param $bp0 i32) (param $cp0 i32) (param $cp1 i32)
               (param $acc i32)
    (local $a0 v128) (local $b0 v128) (local $w v128) (local $end i32)
    (if (local.get $acc)
      (then
        (local.set $a0 (v128.load (local.get $cp0)))
        (local.set $b0 (v128.load (local.get $cp1)))))
    (local.set $end (i32.add (local.get $off) (i32.shl (local.get $cnt) (i32.const 2))))
    (block $done
      (br_if $done (i32.eqz (local.get $cnt)))
      (loop $entry
        (local.set $w (v128.load (i32.add (local.get $bp0) (i32.load (local.get $off)))))
        (local.set $a0 (f64x2.relaxed_madd (v128.load64_splat (local.get $val)) (local.get $w) (local.get $a0)))
        (local.set $b0 (f64x2.relaxed_madd (v128.load64_splat offset=8 (local.get $val)) (local.get $w) (local.get $b0)))
        (local.set $off (i32.add (local.get $off) (i32.const 4)))
        (local.set $val (i32.add (local.get $val) (i32.const 16)))
        (br_if $entry (i32.lt_u (local.get $off) (local.get $end)))))
    (v128.store (local.get $cp0) (local.get $a0))
    (v128.store (local.get $cp1) (local.get $b0)))

  ;; The last column of an odd-width block for both rows, scalar: multiply then add, as $cols1.
  (func $pair1 (param $off i32) (param $val i32) (param $cnt i32) (param $bp0 i32) (param $cp0 i32) (param $cp1 i32)
               (param $acc i32)
    (local $a0 f64) (local $b0 f64) (local $w f64) (local $end i32)
    (if (local.get $acc)
      (then
        (local.set $a0 (f64.load (local.get $cp0)))
        (local.set $b0 (f64.load (local.get $cp1)))))
    (local.set $end (i32.add (local.get $off) (i32.shl (local.get $cnt) (i32.const 2))))
    (block $done
      (br_if $done (i32.eqz (local.get $cnt)))
      (loop $entry
        (local.set $w (f64.load (i32.add (local.get $bp0) (i32.load (local.get $off)))))
        (local.set $a0 (f64.add (f64.mul (f64.load (local.get $val)) (local.get $w)) (local.get $a0)))
        (local.set $b0 (f64.add (f64.mul (f64.load offset=8 (local.get $val)) (local.get $w)) (local.get $b0)))
        (local.set $off (i32.add (local.get $off) (i32.const 4)))
        (local.set $val (i32.add (local.get $val) (i32.const 16)))
        (br_if $entry (i32.lt_u (local.get $off) (local.get $end)))))
    (f64.store (local.get $cp0) (local.get $a0))
    (f64.store (local.get $cp1) (local.get $b0)))

  ;; C rows crow and crow + rowBytes, columns [j0, j1), from a pair list: blocks of 8, 2, then 1.
  ;; NOTE: every column gets the same kind of sum as in $row_product (fused multiply-adds in k
  ;; order, or for an odd last column multiply-then-add), so the bits match single rows.
  (func $pair_product (param $off i32) (param $val i32) (param $cnt i32) (param $b i32) (param $crow i32)
                      (param $rowBytes i32) (param $j0 i32) (param $j1 i32) (param $acc i32)
    (local $j i32) (local $crow1 i32)
    (if (i32.and (i32.eqz (local.get $cnt)) (local.get $acc)) (then (return)))
    (local.set $crow1 (i32.add (local.get $crow) (local.get $rowBytes)))
    (local.set $j (local.get $j0))
    (block $b8
      (loop $l8
        (br_if $b8 (i32.gt_u (i32.add (local.get $j) (i32.const 8)) (local.get $j1)))
        (call $pair8 (local.get $off) (local.get $val) (local.get $cnt)
                     (i32.add (local.get $b) (i32.shl (local.get $j) (i32.const 3)))
                     (i32.add (local.get $crow) (i32.shl (local.get $j) (i32.const 3)))
                     (i32.add (local.get $crow1) (i32.shl (local.get $j) (i32.const 3)))
                     (local.get $acc))
        (local.set $j (i32.add (local.get $j) (i32.const 8)))
        (br $l8)))
    (block $b2
      (loop $l2
        (br_if $b2 (i32.gt_u (i32.add (local.get $j) (i32.const 2)) (local.get $j1)))
        (call $pair2 (local.get $off) (local.get $val) (local.get $cnt)
                     (i32.add (local.get $b) (i32.shl (local.get $j) (i32.const 3)))
                     (i32.add (local.get $crow) (i32.shl (local.get $j) (i32.const 3)))
                     (i32.add (local.get $crow1) (i32.shl (local.get $j) (i32.const 3)))
                     (local.get $acc))
        (local.set $j (i32.add (local.get $j) (i32.const 2)))
        (br $l2)))
    (if (i32.lt_u (local.get $j) (local.get $j1))
      (then
        (call $pair1 (local.get $off) (local.get $val) (local.get $cnt)
                     (i32.add (local.get $b) (i32.shl (local.get $j) (i32.const 3)))
                     (i32.add (local.get $crow) (i32.shl (local.get $j) (i32.const 3)))
                     (i32.add (local.get $crow1) (i32.shl (local.get $j) (i32.const 3)))
                     (local.get $acc)))))

  ;; C[0, 0..16) (=|+=) Σ_q val[q] · B[off[q], 0..16) for `cnt` pairs; bp0 points at B's column 0
  ;; of this block, cp at C's. Eight f64x2 accumulators stay in registers over all pairs.
  ;; NOTE: unrolling this loop by two pairs measured 40% slower in V8; one pair per iteration.
  (func $cols16 (param $off i32) (param $val i32) (param $cnt i32) (param $bp0 i32) (param $cp i32)
                (param $acc i32)
    (local $c0 v128) (local $c1 v128) (local $c2 v128) (local $c3 v128)
    (local $c4 v128) (local $c5 v128) (local $c6 v128) (local $c7 v128)
    (local $x v128) (local $bp i32) (local $end i32)
    (if (local.get $acc)
      (then
        (local.set $c0 (v128.load offset=0 (local.get $cp)))
        (local.set $c1 (v128.load offset=16 (local.get $cp)))
        (local.set $c2 (v128.load offset=32 (local.get $cp)))
        (local.set $c3 (v128.load offset=48 (local.get $cp)))
        (local.set $c4 (v128.load offset=64 (local.get $cp)))
        (local.set $c5 (v128.load offset=80 (local.get $cp)))
        (local.set $c6 (v128.load offset=96 (local.get $cp)))
        (local.set $c7 (v128.load offset=112 (local.get $cp)))))
    (local.set $end (i32.add (local.get $off) (i32.shl (local.get $cnt) (i32.const 2))))
    (block $done
      (br_if $done (i32.eqz (local.get $cnt)))
      (loop $pair
        (local.set $bp (i32.add (local.get $bp0) (i32.load (local.get $off))))
        (local.set $x (v128.load64_splat (local.get $val)))
        (local.set $c0 (f64x2.relaxed_madd (local.get $x) (v128.load offset=0 (local.get $bp)) (local.get $c0)))
        (local.set $c1 (f64x2.relaxed_madd (local.get $x) (v128.load offset=16 (local.get $bp)) (local.get $c1)))
        (local.set $c2 (f64x2.relaxed_madd (local.get $x) (v128.load offset=32 (local.get $bp)) (local.get $c2)))
        (local.set $c3 (f64x2.relaxed_madd (local.get $x) (v128.load offset=48 (local.get $bp)) (local.get $c3)))
        (local.set $c4 (f64x2.relaxed_madd (local.get $x) (v128.load offset=64 (local.get $bp)) (local.get $c4)))
        (local.set $c5 (f64x2.relaxed_madd (local.get $x) (v128.load offset=80 (local.get $bp)) (local.get $c5)))
        (local.set $c6 (f64x2.relaxed_madd (local.get $x) (v128.load offset=96 (local.get $bp)) (local.get $c6)))
        (local.set $c7 (f64x2.relaxed_madd (local.get $x) (v128.load offset=112 (local.get $bp)) (local.get $c7)))
        (local.set $off (i32.add (local.get $off) (i32.const 4)))
        (local.set $val (i32.add (local.get $val) (i32.const 8)))
        (br_if $pair (i32.lt_u (local.get $off) (local.get $end)))))
    (v128.store offset=0 (local.get $cp) (local.get $c0))
    (v128.store offset=16 (local.get $cp) (local.get $c1))
    (v128.store offset=32 (local.get $cp) (local.get $c2))
    (v128.store offset=48 (local.get $cp) (local.get $c3))
    (v128.store offset=64 (local.get $cp) (local.get $c4))
    (v128.store offset=80 (local.get $cp) (local.get $c5))
    (v128.store offset=96 (local.get $cp) (local.get $c6))
    (v128.store offset=112 (local.get $cp) (local.get $c7)))

  ;; As $cols16 for 8 columns (four accumulators).
  (func $cols8 (param $off i32) (param $val i32) (param $cnt i32) (param $bp0 i32) (param $cp i32)
               (param $acc i32)
    (local $c0 v128) (local $c1 v128) (local $c2 v128) (local $c3 v128)
    (local $x v128) (local $bp i32) (local $end i32)
    (if (local.get $acc)
      (then
        (local.set $c0 (v128.load offset=0 (local.get $cp)))
        (local.set $c1 (v128.load offset=16 (local.get $cp)))
        (local.set $c2 (v128.load offset=32 (local.get $cp)))
        (local.set $c3 (v128.load offset=48 (local.get $cp)))))
    (local.set $end (i32.add (local.get $off) (i32.shl (local.get $cnt) (i32.const 2))))
    (block $done
      (br_if $done (i32.eqz (local.get $cnt)))
      (loop $pair
        (local.set $bp (i32.add (local.get $bp0) (i32.load (local.get $off))))
        (local.set $x (v128.load64_splat (local.get $val)))
        (local.set $c0 (f64x2.relaxed_madd (local.get $x) (v128.load offset=0 (local.get $bp)) (local.get $c0)))
        (local.set $c1 (f64x2.relaxed_madd (local.get $x) (v128.load offset=16 (local.get $bp)) (local.get $c1)))
        (local.set $c2 (f64x2.relaxed_madd (local.get $x) (v128.load offset=32 (local.get $bp)) (local.get $c2)))
        (local.set $c3 (f64x2.relaxed_madd (local.get $x) (v128.load offset=48 (local.get $bp)) (local.get $c3)))
        (local.set $off (i32.add (local.get $off) (i32.const 4)))
        (local.set $val (i32.add (local.get $val) (i32.const 8)))
        (br_if $pair (i32.lt_u (local.get $off) (local.get $end)))))
    (v128.store offset=0 (local.get $cp) (local.get $c0))
    (v128.store offset=16 (local.get $cp) (local.get $c1))
    (v128.store offset=32 (local.get $cp) (local.get $c2))
    (v128.store offset=48 (local.get $cp) (local.get $c3)))

  ;; As $cols16 for 2 columns (one accumulator).
  (func $cols2 (param $off i32) (param $val i32) (param $cnt i32) (param $bp0 i32) (param $cp i32)
               (param $acc i32)
    (local $c0 v128) (local $end i32)
    (if (local.get $acc) (then (local.set $c0 (v128.load (local.get $cp)))))
    (local.set $end (i32.add (local.get $off) (i32.shl (local.get $cnt) (i32.const 2))))
    (block $done
      (br_if $done (i32.eqz (local.get $cnt)))
      (loop $pair
        (local.set $c0 (f64x2.relaxed_madd
          (v128.load64_splat (local.get $val))
          (v128.load (i32.add (local.get $bp0) (i32.load (local.get $off))))
          (local.get $c0)))
        (local.set $off (i32.add (local.get $off) (i32.const 4)))
        (local.set $val (i32.add (local.get $val) (i32.const 8)))
        (br_if $pair (i32.lt_u (local.get $off) (local.get $end)))))
    (v128.store (local.get $cp) (local.get $c0)))

  ;; The last column of an odd-width block, scalar.
  ;; NOTE: scalar wasm has no fused multiply-add, so this column is always mul-then-add; every
  ;; row uses the same sequence of blocks, so a column never changes kernel between calls.
  (func $cols1 (param $off i32) (param $val i32) (param $cnt i32) (param $bp0 i32) (param $cp i32)
               (param $acc i32)
    (local $c0 f64) (local $end i32)
    (if (local.get $acc) (then (local.set $c0 (f64.load (local.get $cp)))))
    (local.set $end (i32.add (local.get $off) (i32.shl (local.get $cnt) (i32.const 2))))
    (block $done
      (br_if $done (i32.eqz (local.get $cnt)))
      (loop $pair
        (local.set $c0 (f64.add
          (f64.mul (f64.load (local.get $val))
                   (f64.load (i32.add (local.get $bp0) (i32.load (local.get $off)))))
          (local.get $c0)))
        (local.set $off (i32.add (local.get $off) (i32.const 4)))
        (local.set $val (i32.add (local.get $val) (i32.const 8)))
        (br_if $pair (i32.lt_u (local.get $off) (local.get $end)))))
    (f64.store (local.get $cp) (local.get $c0)))

;; C row at crow, columns [j0, j1) (=|+=) Σ_q val[q] · B[off[q], j0..j1), in blocks of 16, 8, 2, 1.
  (func $row_product (param $off i32) (param $val i32) (param $cnt i32) (param $b i32) (param $crow i32)
                     (param $j0 i32) (param $j1 i32) (param $acc i32)
    (local $j i32)
    ;; An all-zero row adds nothing (MNIST's border pixels in the weight gradient).
    (if (i32.and (i32.eqz (local.get $cnt)) (local.get $acc)) (then (return)))
    (local.set $j (local.get $j0))
    (block $b16
      (loop $l16
        (br_if $b16 (i32.gt_u (i32.add (local.get $j) (i32.const 16)) (local.get $j1)))
        (call $cols16 (local.get $off) (local.get $val) (local.get $cnt)
                      (i32.add (local.get $b) (i32.shl (local.get $j) (i32.const 3)))
                      (i32.add (local.get $crow) (i32.shl (local.get $j) (i32.const 3)))
                      (local.get $acc))
        (local.set $j (i32.add (local.get $j) (i32.const 16)))
        (br $l16)))
    (if (i32.le_u (i32.add (local.get $j) (i32.const 8)) (local.get $j1))
      (then
        (call $cols8 (local.get $off) (local.get $val) (local.get $cnt)
                     (i32.add (local.get $b) (i32.shl (local.get $j) (i32.const 3)))
                     (i32.add (local.get $crow) (i32.shl (local.get $j) (i32.const 3)))
                     (local.get $acc))
        (local.set $j (i32.add (local.get $j) (i32.const 8)))))
    (block $b2
      (loop $l2
        (br_if $b2 (i32.gt_u (i32.add (local.get $j) (i32.const 2)) (local.get $j1)))
        (call $cols2 (local.get $off) (local.get $val) (local.get $cnt)
                     (i32.add (local.get $b) (i32.shl (local.get $j) (i32.const 3)))
                     (i32.add (local.get $crow) (i32.shl (local.get $j) (i32.const 3)))
                     (local.get $acc))
        (local.set $j (i32.add (local.get $j) (i32.const 2)))
        (br $l2)))
    (if (i32.lt_u (local.get $j) (local.get $j1))
      (then
        (call $cols1 (local.get $off) (local.get $val) (local.get $cnt)
                     (i32.add (local.get $b) (i32.shl (local.get $j) (i32.const 3)))
                     (i32.add (local.get $crow) (i32.shl (local.get $j) (i32.const 3)))
                     (local.get $acc)))))

;; C rows g0 <= i < g1 (at most 8) of A·B, A stored [m,k], in column blocks of 64: the rows
  ;; are compacted once into lists, then each block of 64 columns of B (k·512 bytes: 400 kB
  ;; for 784 inputs, which L2 holds) serves all the rows before the next block is touched.
  ;; lists: 8 rows' i32 offsets (k each), then their f64 values (16-aligned), then 8 counts.
  ;; NOTE: blocks are 64 wide, a multiple of $row_product's 16, so every column gets the same
  ;; kernel (16, 8, 2 or 1 wide) as without blocking: the results are the same bits.
  (func $rows_blocked (param $g0 i32) (param $g1 i32) (param $jFrom i32) (param $jTo i32) (param $a i32) (param $k i32)
                      (param $b i32) (param $n i32) (param $c i32) (param $acc i32) (param $lists i32)
    (local $i i32) (local $r i32) (local $vals i32) (local $cnts i32) (local $rowBytes i32)
    (local $j i32) (local $j1 i32) (local $src i32)
    (local.set $rowBytes (i32.shl (local.get $n) (i32.const 3)))
    (local.set $vals (i32.and (i32.add (i32.add (local.get $lists) (i32.shl (local.get $k) (i32.const 5)))
                                       (i32.const 15)) (i32.const -16)))
    (local.set $cnts (i32.add (local.get $vals) (i32.shl (local.get $k) (i32.const 6))))
    (local.set $i (local.get $g0))
    (block $compacted
      (loop $compact
        (br_if $compacted (i32.ge_u (local.get $i) (local.get $g1)))
        (local.set $r (i32.sub (local.get $i) (local.get $g0)))
        (i32.store (i32.add (local.get $cnts) (i32.shl (local.get $r) (i32.const 2)))
          (call $compact_row
            (i32.add (local.get $a) (i32.shl (i32.mul (local.get $i) (local.get $k)) (i32.const 3)))
            (local.get $k) (local.get $rowBytes)
            (i32.add (local.get $lists) (i32.shl (i32.mul (local.get $r) (local.get $k)) (i32.const 2)))
            (i32.add (local.get $vals) (i32.shl (i32.mul (local.get $r) (local.get $k)) (i32.const 3)))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $compact)))
    ;; Dense pairs go together: their list replaces the two rows' (in the same room); the second
    ;; row's count -1 marks the pair.
    (local.set $r (i32.const 0))
    (block $paired
      (loop $pair
        (br_if $paired (i32.ge_u (i32.add (local.get $g0) (i32.add (local.get $r) (i32.const 1))) (local.get $g1)))
        (if (call $pair_pays (i32.load (i32.add (local.get $cnts) (i32.shl (local.get $r) (i32.const 2))))
                             (i32.load offset=4 (i32.add (local.get $cnts) (i32.shl (local.get $r) (i32.const 2))))
                             (local.get $k) (local.get $acc))
          (then
            (i32.store (i32.add (local.get $cnts) (i32.shl (local.get $r) (i32.const 2)))
              (call $compact_pair
                (local.tee $src (i32.add (local.get $a) (i32.shl (i32.mul (i32.add (local.get $g0) (local.get $r)) (local.get $k)) (i32.const 3))))
                (i32.add (local.get $src) (i32.shl (local.get $k) (i32.const 3))) (i32.const 8)
                (local.get $k) (local.get $rowBytes)
                (i32.add (local.get $lists) (i32.shl (i32.mul (local.get $r) (local.get $k)) (i32.const 2)))
                (i32.add (local.get $vals) (i32.shl (i32.mul (local.get $r) (local.get $k)) (i32.const 3)))))
            (i32.store offset=4 (i32.add (local.get $cnts) (i32.shl (local.get $r) (i32.const 2))) (i32.const -1))))
        (local.set $r (i32.add (local.get $r) (i32.const 2)))
        (br $pair)))
    (local.set $j (local.get $jFrom))
    (block $blocks_done
      (loop $block
        (br_if $blocks_done (i32.ge_u (local.get $j) (local.get $jTo)))
        (local.set $j1 (select (i32.add (local.get $j) (i32.const 64)) (local.get $jTo)
                               (i32.lt_u (i32.add (local.get $j) (i32.const 64)) (local.get $jTo))))
        (local.set $i (local.get $g0))
        (block $rows_done
          (loop $row
            (br_if $rows_done (i32.ge_u (local.get $i) (local.get $g1)))
            (local.set $r (i32.sub (local.get $i) (local.get $g0)))
            (if (i32.and (i32.lt_u (i32.add (local.get $i) (i32.const 1)) (local.get $g1))
                         (i32.eq (i32.load offset=4 (i32.add (local.get $cnts) (i32.shl (local.get $r) (i32.const 2))))
                                 (i32.const -1)))
              (then
                (call $pair_product
                  (i32.add (local.get $lists) (i32.shl (i32.mul (local.get $r) (local.get $k)) (i32.const 2)))
                  (i32.add (local.get $vals) (i32.shl (i32.mul (local.get $r) (local.get $k)) (i32.const 3)))
                  (i32.load (i32.add (local.get $cnts) (i32.shl (local.get $r) (i32.const 2))))
                  (local.get $b) (i32.add (local.get $c) (i32.mul (local.get $i) (local.get $rowBytes)))
                  (local.get $rowBytes) (local.get $j) (local.get $j1) (local.get $acc))
                (local.set $i (i32.add (local.get $i) (i32.const 2))))
              (else
                (call $row_product
                  (i32.add (local.get $lists) (i32.shl (i32.mul (local.get $r) (local.get $k)) (i32.const 2)))
                  (i32.add (local.get $vals) (i32.shl (i32.mul (local.get $r) (local.get $k)) (i32.const 3)))
                  (i32.load (i32.add (local.get $cnts) (i32.shl (local.get $r) (i32.const 2))))
                  (local.get $b) (i32.add (local.get $c) (i32.mul (local.get $i) (local.get $rowBytes)))
                  (local.get $j) (local.get $j1) (local.get $acc))
                (local.set $i (i32.add (local.get $i) (i32.const 1)))))
            (br $row)))
        (local.set $j (local.get $j1))
        (br $block))))

;; Quads of rows. Where four rows of op(A) are dense (hidden layers' activations and their
  ;; gradients), they go together as pairs do (above) but four at a time: one list of the k where
  ;; any of the four is nonzero, each entry with all four values (32 bytes), and a 4×4 tile of C
  ;; in eight f64x2 accumulators. Each B load then serves four rows: an entry costs 7 loads for 8
  ;; fused multiply-adds (a row alone: 10 for 8, a pair: 7 for 8 over 8 columns but twice the
  ;; entries). A zero of one row adds 0·b, which leaves its sum exactly as it was (b finite; a
  ;; sum of -0 would become +0, see $quad_pays), so the results are the same bits as single rows.
  ;; NOTE: one exception, in the relaxed variant only: a fused multiply-add that underflows to -0
  ;; before a row's last entry of the list comes back +0. The grouping into quads depends only on
  ;; the data (chunks are whole quads), so every thread count still gives the same bits.

  ;; Four rows of op(A) into one list: for p < k, the values at src + r·rstride + p·step for
  ;; r = 0..3 (rows of A stored [m,k]: rstride 8k, step 8; columns of A stored [k,m]: rstride 8,
  ;; step 8m). Returns the list's length, the four rows' nonzeros in all, and whether every one
  ;; of the four rows has a nonzero.
  (func $compact_quad (param $src i32) (param $rstride i32) (param $step i32) (param $k i32) (param $rowBytes i32)
                      (param $off i32) (param $val i32) (result i32 i32 i32)
    (local $p i32) (local $q i32) (local $boff i32) (local $s2 i32)
    (local $lo v128) (local $hi v128) (local $nlo v128) (local $nhi v128) (local $sumLo v128) (local $sumHi v128)
    (local.set $s2 (i32.shl (local.get $rstride) (i32.const 1)))
    (block $done
      (br_if $done (i32.eqz (local.get $k)))
      (loop $next
        (local.set $lo (v128.load64_lane 1 (i32.add (local.get $src) (local.get $rstride))
                                           (v128.load64_zero (local.get $src))))
        (local.set $hi (v128.load64_lane 1 (i32.add (i32.add (local.get $src) (local.get $s2)) (local.get $rstride))
                                           (v128.load64_zero (i32.add (local.get $src) (local.get $s2)))))
        (i32.store (i32.add (local.get $off) (i32.shl (local.get $q) (i32.const 2))) (local.get $boff))
        (v128.store offset=0 (i32.add (local.get $val) (i32.shl (local.get $q) (i32.const 5))) (local.get $lo))
        (v128.store offset=16 (i32.add (local.get $val) (i32.shl (local.get $q) (i32.const 5))) (local.get $hi))
        (local.set $nlo (f64x2.ne (local.get $lo) (v128.const i64x2 0 0)))
        (local.set $nhi (f64x2.ne (local.get $hi) (v128.const i64x2 0 0)))
        (local.set $sumLo (i64x2.sub (local.get $sumLo) (local.get $nlo)))
        (local.set $sumHi (i64x2.sub (local.get $sumHi) (local.get $nhi)))
        (local.set $q (i32.add (local.get $q) (v128.any_true (v128.or (local.get $nlo) (local.get $nhi)))))
        (local.set $src (i32.add (local.get $src) (local.get $step)))
        (local.set $boff (i32.add (local.get $boff) (local.get $rowBytes)))
        (br_if $next (i32.ne (local.tee $p (i32.add (local.get $p) (i32.const 1))) (local.get $k)))))
    (local.get $q)
    (i32.wrap_i64 (i64.add (i64.add (i64x2.extract_lane 0 (local.get $sumLo)) (i64x2.extract_lane 1 (local.get $sumLo)))
                           (i64.add (i64x2.extract_lane 0 (local.get $sumHi)) (i64x2.extract_lane 1 (local.get $sumHi)))))
    (i32.and (i64x2.all_true (local.get $sumLo)) (i64x2.all_true (local.get $sumHi))))

  ;; How many of 16 positions spread over k (p = t·k/16) hold a nonzero in any of four rows laid
  ;; out as for $compact_quad: a quick look that spares the compaction of rows that cannot pay as
  ;; a quad, such as four MNIST images (about half the positions; a quad needs 70%, so fewer
  ;; than 10 of the 16 skip the compaction). The data alone decide, as for $quad_pays.
  (func $quad_sample (param $src i32) (param $rstride i32) (param $step i32) (param $k i32) (result i32)
    (local $t i32) (local $at i32) (local $hits i32) (local $s2 i32)
    (local.set $s2 (i32.shl (local.get $rstride) (i32.const 1)))
    (loop $next
      (local.set $at (i32.add (local.get $src)
        (i32.mul (i32.shr_u (i32.mul (local.get $t) (local.get $k)) (i32.const 4)) (local.get $step))))
      (local.set $hits (i32.add (local.get $hits) (v128.any_true (v128.or
        (f64x2.ne (v128.load64_lane 1 (i32.add (local.get $at) (local.get $rstride)) (v128.load64_zero (local.get $at)))
                  (v128.const i64x2 0 0))
        (f64x2.ne (v128.load64_lane 1 (i32.add (i32.add (local.get $at) (local.get $s2)) (local.get $rstride))
                                      (v128.load64_zero (i32.add (local.get $at) (local.get $s2))))
                  (v128.const i64x2 0 0))))))
      (br_if $next (i32.ne (local.tee $t (i32.add (local.get $t) (i32.const 1))) (i32.const 16))))
    (local.get $hits))

  ;; Whether four rows with `nonzeros` in all of k, whose list has `entries`, go faster as a
  ;; quad: an entry costs four multiply-adds a column, zeros included. Measured in isolation on
  ;; one thread, against the rows as they would otherwise go:
  ;; - dense rows (ReLU activations, 53% nonzero: lists of 95% of k, 45% of the nonzeros) went
  ;;   15-27% faster than in pairs;
  ;; - four MNIST images (lists of 48% of k, half the nonzeros), which would go alone, went
  ;;   10-30% slower, and so did sparse columns of images (a weight gradient's) unless dense;
  ;; - a batch of 32's weight gradient (lists of at most 32 entries) went 18% slower.
  ;; So: the list at most half the nonzeros, at least 70% of k, and at least 48 entries long.
  ;; NOTE: when C is added to (acc), every row must have a nonzero (see $pair_pays).
  (func $quad_pays (param $entries i32) (param $nonzeros i32) (param $full i32) (param $k i32) (param $acc i32)
                   (result i32)
    (if (i32.and (local.get $acc) (i32.eqz (local.get $full))) (then (return (i32.const 0))))
    (i32.and
      (i32.and
        (i32.le_u (i32.mul (local.get $entries) (i32.const 2)) (local.get $nonzeros))
        (i32.ge_u (i32.mul (local.get $entries) (i32.const 10)) (i32.mul (local.get $k) (i32.const 7))))
      (i32.ge_u (local.get $entries) (i32.const 48))))

  ;; C rows cp + r·rowBytes (r = 0..3), columns 0..4 (=|+=) Σ_q val[q].r · B[off[q], 0..4): eight
  ;; f64x2 accumulators; the four values are splatted first, then each B load serves four rows.
  (func $quad4 (param $off i32) (param $val i32) (param $cnt i32) (param $bp0 i32) (param $cp i32)
               (param $rowBytes i32) (param $acc i32)
    (local $a0 v128) (local $a1 v128) (local $b0 v128) (local $b1 v128)
    (local $c0 v128) (local $c1 v128) (local $d0 v128) (local $d1 v128)
    (local $x0 v128) (local $x1 v128) (local $x2 v128) (local $x3 v128) (local $w v128)
    (local $bp i32) (local $end i32) (local $cp1 i32) (local $cp2 i32) (local $cp3 i32)
    (local.set $cp1 (i32.add (local.get $cp) (local.get $rowBytes)))
    (local.set $cp2 (i32.add (local.get $cp1) (local.get $rowBytes)))
    (local.set $cp3 (i32.add (local.get $cp2) (local.get $rowBytes)))
    (if (local.get $acc)
      (then
        (local.set $a0 (v128.load offset=0 (local.get $cp)))
        (local.set $a1 (v128.load offset=16 (local.get $cp)))
        (local.set $b0 (v128.load offset=0 (local.get $cp1)))
        (local.set $b1 (v128.load offset=16 (local.get $cp1)))
        (local.set $c0 (v128.load offset=0 (local.get $cp2)))
        (local.set $c1 (v128.load offset=16 (local.get $cp2)))
        (local.set $d0 (v128.load offset=0 (local.get $cp3)))
        (local.set $d1 (v128.load offset=16 (local.get $cp3)))))
    (local.set $end (i32.add (local.get $off) (i32.shl (local.get $cnt) (i32.const 2))))
    (block $done
      (br_if $done (i32.eqz (local.get $cnt)))
      (loop $entry
        (local.set $bp (i32.add (local.get $bp0) (i32.load (local.get $off))))
        (local.set $x0 (v128.load64_splat offset=0 (local.get $val)))
        (local.set $x1 (v128.load64_splat offset=8 (local.get $val)))
        (local.set $x2 (v128.load64_splat offset=16 (local.get $val)))
        (local.set $x3 (v128.load64_splat offset=24 (local.get $val)))
        (local.set $w (v128.load offset=0 (local.get $bp)))
        (local.set $a0 (f64x2.relaxed_madd (local.get $x0) (local.get $w) (local.get $a0)))
        (local.set $b0 (f64x2.relaxed_madd (local.get $x1) (local.get $w) (local.get $b0)))
        (local.set $c0 (f64x2.relaxed_madd (local.get $x2) (local.get $w) (local.get $c0)))
        (local.set $d0 (f64x2.relaxed_madd (local.get $x3) (local.get $w) (local.get $d0)))
        (local.set $w (v128.load offset=16 (local.get $bp)))
        (local.set $a1 (f64x2.relaxed_madd (local.get $x0) (local.get $w) (local.get $a1)))
        (local.set $b1 (f64x2.relaxed_madd (local.get $x1) (local.get $w) (local.get $b1)))
        (local.set $c1 (f64x2.relaxed_madd (local.get $x2) (local.get $w) (local.get $c1)))
        (local.set $d1 (f64x2.relaxed_madd (local.get $x3) (local.get $w) (local.get $d1)))
        (local.set $off (i32.add (local.get $off) (i32.const 4)))
        (local.set $val (i32.add (local.get $val) (i32.const 32)))
        (br_if $entry (i32.lt_u (local.get $off) (local.get $end)))))
    (v128.store offset=0 (local.get $cp) (local.get $a0))
    (v128.store offset=16 (local.get $cp) (local.get $a1))
    (v128.store offset=0 (local.get $cp1) (local.get $b0))
    (v128.store offset=16 (local.get $cp1) (local.get $b1))
    (v128.store offset=0 (local.get $cp2) (local.get $c0))
    (v128.store offset=16 (local.get $cp2) (local.get $c1))
    (v128.store offset=0 (local.get $cp3) (local.get $d0))
    (v128.store offset=16 (local.get $cp3) (local.get $d1)))

  ;; As $quad4 for 2 columns (one accumulator per row).
  (func $quad2 (param $off i32) (param $val i32) (param $cnt i32) (param $bp0 i32) (param $cp i32)
               (param $rowBytes i32) (param $acc i32)
    (local $a0 v128) (local $b0 v128) (local $c0 v128) (local $d0 v128) (local $w v128)
    (local $end i32) (local $cp1 i32) (local $cp2 i32) (local $cp3 i32)
    (local.set $cp1 (i32.add (local.get $cp) (local.get $rowBytes)))
    (local.set $cp2 (i32.add (local.get $cp1) (local.get $rowBytes)))
    (local.set $cp3 (i32.add (local.get $cp2) (local.get $rowBytes)))
    (if (local.get $acc)
      (then
        (local.set $a0 (v128.load (local.get $cp)))
        (local.set $b0 (v128.load (local.get $cp1)))
        (local.set $c0 (v128.load (local.get $cp2)))
        (local.set $d0 (v128.load (local.get $cp3)))))
    (local.set $end (i32.add (local.get $off) (i32.shl (local.get $cnt) (i32.const 2))))
    (block $done
      (br_if $done (i32.eqz (local.get $cnt)))
      (loop $entry
        (local.set $w (v128.load (i32.add (local.get $bp0) (i32.load (local.get $off)))))
        (local.set $a0 (f64x2.relaxed_madd (v128.load64_splat offset=0 (local.get $val)) (local.get $w) (local.get $a0)))
        (local.set $b0 (f64x2.relaxed_madd (v128.load64_splat offset=8 (local.get $val)) (local.get $w) (local.get $b0)))
        (local.set $c0 (f64x2.relaxed_madd (v128.load64_splat offset=16 (local.get $val)) (local.get $w) (local.get $c0)))
        (local.set $d0 (f64x2.relaxed_madd (v128.load64_splat offset=24 (local.get $val)) (local.get $w) (local.get $d0)))
        (local.set $off (i32.add (local.get $off) (i32.const 4)))
        (local.set $val (i32.add (local.get $val) (i32.const 32)))
        (br_if $entry (i32.lt_u (local.get $off) (local.get $end)))))
    (v128.store (local.get $cp) (local.get $a0))
    (v128.store (local.get $cp1) (local.get $b0))
    (v128.store (local.get $cp2) (local.get $c0))
    (v128.store (local.get $cp3) (local.get $d0)))

  ;; The last column of an odd-width block for the four rows, scalar: multiply then add, as $cols1.
  (func $quad1 (param $off i32) (param $val i32) (param $cnt i32) (param $bp0 i32) (param $cp i32)
               (param $rowBytes i32) (param $acc i32)
    (local $a0 f64) (local $b0 f64) (local $c0 f64) (local $d0 f64) (local $w f64)
    (local $end i32) (local $cp1 i32) (local $cp2 i32) (local $cp3 i32)
    (local.set $cp1 (i32.add (local.get $cp) (local.get $rowBytes)))
    (local.set $cp2 (i32.add (local.get $cp1) (local.get $rowBytes)))
    (local.set $cp3 (i32.add (local.get $cp2) (local.get $rowBytes)))
    (if (local.get $acc)
      (then
        (local.set $a0 (f64.load (local.get $cp)))
        (local.set $b0 (f64.load (local.get $cp1)))
        (local.set $c0 (f64.load (local.get $cp2)))
        (local.set $d0 (f64.load (local.get $cp3)))))
    (local.set $end (i32.add (local.get $off) (i32.shl (local.get $cnt) (i32.const 2))))
    (block $done
      (br_if $done (i32.eqz (local.get $cnt)))
      (loop $entry
        (local.set $w (f64.load (i32.add (local.get $bp0) (i32.load (local.get $off)))))
        (local.set $a0 (f64.add (f64.mul (f64.load offset=0 (local.get $val)) (local.get $w)) (local.get $a0)))
        (local.set $b0 (f64.add (f64.mul (f64.load offset=8 (local.get $val)) (local.get $w)) (local.get $b0)))
        (local.set $c0 (f64.add (f64.mul (f64.load offset=16 (local.get $val)) (local.get $w)) (local.get $c0)))
        (local.set $d0 (f64.add (f64.mul (f64.load offset=24 (local.get $val)) (local.get $w)) (local.get $d0)))
        (local.set $off (i32.add (local.get $off) (i32.const 4)))
        (local.set $val (i32.add (local.get $val) (i32.const 32)))
        (br_if $entry (i32.lt_u (local.get $off) (local.get $end)))))
    (f64.store (local.get $cp) (local.get $a0))
    (f64.store (local.get $cp1) (local.get $b0))
    (f64.store (local.get $cp2) (local.get $c0))
    (f64.store (local.get $cp3) (local.get $d0)))

  ;; C rows crow + r·rowBytes (r = 0..3), columns [j0, j1), from a quad list: blocks of 4, 2, then 1.
  ;; NOTE: every column gets the same kind of sum as in $row_product (multiply-adds in k order,
  ;; fused in the relaxed variant, or for an odd last column multiply-then-add), so the bits
  ;; match single rows.
  (func $quad_product (param $off i32) (param $val i32) (param $cnt i32) (param $b i32) (param $crow i32)
                      (param $rowBytes i32) (param $j0 i32) (param $j1 i32) (param $acc i32)
    (local $j i32)
    (if (i32.and (i32.eqz (local.get $cnt)) (local.get $acc)) (then (return)))
    (local.set $j (local.get $j0))
    (block $b4
      (loop $l4
        (br_if $b4 (i32.gt_u (i32.add (local.get $j) (i32.const 4)) (local.get $j1)))
        (call $quad4 (local.get $off) (local.get $val) (local.get $cnt)
                     (i32.add (local.get $b) (i32.shl (local.get $j) (i32.const 3)))
                     (i32.add (local.get $crow) (i32.shl (local.get $j) (i32.const 3)))
                     (local.get $rowBytes) (local.get $acc))
        (local.set $j (i32.add (local.get $j) (i32.const 4)))
        (br $l4)))
    (if (i32.le_u (i32.add (local.get $j) (i32.const 2)) (local.get $j1))
      (then
        (call $quad2 (local.get $off) (local.get $val) (local.get $cnt)
                     (i32.add (local.get $b) (i32.shl (local.get $j) (i32.const 3)))
                     (i32.add (local.get $crow) (i32.shl (local.get $j) (i32.const 3)))
                     (local.get $rowBytes) (local.get $acc))
        (local.set $j (i32.add (local.get $j) (i32.const 2)))))
    (if (i32.lt_u (local.get $j) (local.get $j1))
      (then
        (call $quad1 (local.get $off) (local.get $val) (local.get $cnt)
                     (i32.add (local.get $b) (i32.shl (local.get $j) (i32.const 3)))
                     (i32.add (local.get $crow) (i32.shl (local.get $j) (i32.const 3)))
                     (local.get $rowBytes) (local.get $acc)))))

  ;; C[i, j] (=|+=) (op(A) · B)[i, j] for the rows i0 <= i < i1 and the columns jFrom <= j < jTo,
  ;; as $rows_plain but four rows at a time as a quad (above) where that pays, in groups of up to
  ;; 32 rows that go through B in column blocks of 32: a block (k·256 bytes, 200 kB for 800 rows)
  ;; stays in L2 for the group's eight quads instead of all of B being read again from L3 for
  ;; every quad.
  ;; lists: $rows_plain's room (96k + 64 bytes, 16-aligned), then eight quads' lists (each k i32
  ;; offsets, 16-aligned, then 32 bytes of values per entry), then their eight counts (-1: the
  ;; quad did not pay and went to $rows_plain).
  ;; NOTE: quads start at i0 and each run of rows that do not pay (up to its group's end) goes
  ;; to $rows_plain in one call, starting on an even row, so its pairs are as without quads;
  ;; column blocks are a multiple of 4 wide, so every column gets the same kernel as unblocked:
  ;; the results are the same bits.
  (func $matmul_block
        (param $i0 i32) (param $i1 i32) (param $jFrom i32) (param $jTo i32)
        (param $a i32) (param $m i32) (param $k i32) (param $transA i32)
        (param $b i32) (param $n i32) (param $c i32) (param $acc i32) (param $lists i32)
    (local $g i32) (local $g1 i32) (local $i i32) (local $plain i32) (local $rowBytes i32)
    (local $quads i32) (local $offBytes i32) (local $quadStride i32) (local $counts i32)
    (local $slot i32) (local $cnt i32) (local $nonzeros i32) (local $full i32) (local $j i32) (local $j1 i32)
    (local $src i32) (local $rstride i32) (local $step i32)
    ;; No quad pays with fewer than 48 entries (see $quad_pays).
    (if (i32.lt_u (local.get $k) (i32.const 48))
      (then
        (call $rows_plain (local.get $i0) (local.get $i1) (local.get $jFrom) (local.get $jTo) (local.get $a)
          (local.get $m) (local.get $k) (local.get $transA) (local.get $b) (local.get $n) (local.get $c)
          (local.get $acc) (local.get $lists))
        (return)))
    (local.set $rowBytes (i32.shl (local.get $n) (i32.const 3)))
    (local.set $quads (i32.add (local.get $lists)
      (i32.and (i32.add (i32.mul (local.get $k) (i32.const 96)) (i32.const 79)) (i32.const -16))))
    (local.set $offBytes (i32.and (i32.add (i32.shl (local.get $k) (i32.const 2)) (i32.const 15)) (i32.const -16)))
    (local.set $quadStride (i32.add (local.get $offBytes) (i32.shl (local.get $k) (i32.const 5))))
    (local.set $counts (i32.add (local.get $quads) (i32.shl (local.get $quadStride) (i32.const 3))))
    (local.set $g (local.get $i0))
    (block $groups_done
      (loop $group
        (br_if $groups_done (i32.ge_u (local.get $g) (local.get $i1)))
        (local.set $g1 (select (i32.add (local.get $g) (i32.const 32)) (local.get $i1)
                               (i32.lt_u (i32.add (local.get $g) (i32.const 32)) (local.get $i1))))
        (local.set $i (local.get $g))
        (local.set $plain (local.get $g))
        (block $quads_done
          (loop $quad
            (br_if $quads_done (i32.gt_u (i32.add (local.get $i) (i32.const 4)) (local.get $g1)))
            (local.set $slot (i32.add (local.get $quads)
              (i32.mul (i32.shr_u (i32.sub (local.get $i) (local.get $g)) (i32.const 2)) (local.get $quadStride))))
            ;; The four rows' values: rows of A [m,k], or columns of A [k,m] with transA.
            (if (local.get $transA)
              (then
                (local.set $src (i32.add (local.get $a) (i32.shl (local.get $i) (i32.const 3))))
                (local.set $rstride (i32.const 8))
                (local.set $step (i32.shl (local.get $m) (i32.const 3))))
              (else
                (local.set $src (i32.add (local.get $a) (i32.shl (i32.mul (local.get $i) (local.get $k)) (i32.const 3))))
                (local.set $rstride (i32.shl (local.get $k) (i32.const 3)))
                (local.set $step (i32.const 8))))
            (local.set $cnt (i32.const -1))
            (if (i32.ge_u (call $quad_sample (local.get $src) (local.get $rstride) (local.get $step) (local.get $k))
                          (i32.const 10))
              (then
                (call $compact_quad (local.get $src) (local.get $rstride) (local.get $step) (local.get $k)
                  (local.get $rowBytes) (local.get $slot) (i32.add (local.get $slot) (local.get $offBytes)))
                (local.set $full)
                (local.set $nonzeros)
                (local.set $cnt)))
            (if (i32.and (i32.ge_s (local.get $cnt) (i32.const 0))
                         (call $quad_pays (local.get $cnt) (local.get $nonzeros) (local.get $full) (local.get $k) (local.get $acc)))
              (then
                (if (i32.lt_u (local.get $plain) (local.get $i))
                  (then
                    (call $rows_plain (local.get $plain) (local.get $i) (local.get $jFrom) (local.get $jTo) (local.get $a) (local.get $m) (local.get $k)
                      (local.get $transA) (local.get $b) (local.get $n) (local.get $c) (local.get $acc) (local.get $lists))))
                (local.set $plain (i32.add (local.get $i) (i32.const 4))))
              (else (local.set $cnt (i32.const -1))))
            ;; quad q's count at counts + 4q, which is i - g bytes on
            (i32.store (i32.add (local.get $counts) (i32.sub (local.get $i) (local.get $g))) (local.get $cnt))
            (local.set $i (i32.add (local.get $i) (i32.const 4)))
            (br $quad)))
        (if (i32.lt_u (local.get $plain) (local.get $g1))
          (then
            (call $rows_plain (local.get $plain) (local.get $g1) (local.get $jFrom) (local.get $jTo) (local.get $a) (local.get $m) (local.get $k)
              (local.get $transA) (local.get $b) (local.get $n) (local.get $c) (local.get $acc) (local.get $lists))))
        ;; The group's quads, a column block at a time ($i is past its last quad).
        (local.set $j (local.get $jFrom))
        (block $blocks_done
          (loop $block
            (br_if $blocks_done (i32.ge_u (local.get $j) (local.get $jTo)))
            (local.set $j1 (select (i32.add (local.get $j) (i32.const 32)) (local.get $jTo)
                                   (i32.lt_u (i32.add (local.get $j) (i32.const 32)) (local.get $jTo))))
            (local.set $g1 (local.get $g))
            (block $slots_done
              (loop $each
                (br_if $slots_done (i32.ge_u (local.get $g1) (local.get $i)))
                (local.set $slot (i32.add (local.get $quads)
                  (i32.mul (i32.shr_u (i32.sub (local.get $g1) (local.get $g)) (i32.const 2)) (local.get $quadStride))))
                (local.set $cnt (i32.load (i32.add (local.get $counts) (i32.sub (local.get $g1) (local.get $g)))))
                (if (i32.ge_s (local.get $cnt) (i32.const 0))
                  (then
                    (call $quad_product (local.get $slot) (i32.add (local.get $slot) (local.get $offBytes))
                      (local.get $cnt) (local.get $b)
                      (i32.add (local.get $c) (i32.mul (local.get $g1) (local.get $rowBytes)))
                      (local.get $rowBytes) (local.get $j) (local.get $j1) (local.get $acc))))
                (local.set $g1 (i32.add (local.get $g1) (i32.const 4)))
                (br $each)))
            (local.set $j (local.get $j1))
            (br $block)))
        (local.set $g (select (i32.add (local.get $g) (i32.const 32)) (local.get $i1)
                              (i32.lt_u (i32.add (local.get $g) (i32.const 32)) (local.get $i1))))
        (br $group))))

  ;; C[i, :] (=|+=) op(A)[i, :] · B for the rows i0 <= i < i1, every column.
  (func $matmul_rows (export "matmul_rows")
        (param $i0 i32) (param $i1 i32)
        (param $a i32) (param $m i32) (param $k i32) (param $transA i32)
        (param $b i32) (param $n i32) (param $c i32) (param $acc i32) (param $lists i32)
    (call $matmul_block (local.get $i0) (local.get $i1) (i32.const 0) (local.get $n)
      (local.get $a) (local.get $m) (local.get $k) (local.get $transA)
      (local.get $b) (local.get $n) (local.get $c) (local.get $acc) (local.get $lists)))

    ;; C[i, j] (=|+=) (op(A) · B)[i, j] for the rows i0 <= i < i1 and the columns jFrom <= j < jTo
  ;; (a multiple of 16 wide, or ending at n). op(A) is [m,k]: A is stored
  ;; [m,k], or [k,m] when transA. B is [k,n] and C is [m,n]. lists (k·96 + 64 bytes) holds
  ;; compacted rows: eight for $rows_blocked; otherwise two, the i32 offsets at lists and
  ;; lists + 4k, the f64 values from lists + 8k (16-aligned).
  ;; NOTE: each C element gets the same operations in the same order whatever rows a call
  ;; covers, and whatever columns (a range a multiple of 16 wide starts the same blocks of 16,
  ;; 8, 2 that column 0 would, and only column n - 1 of an odd n is ever done alone), so
  ;; splitting rows or columns between calls or threads never changes a bit of the result.
  (func $rows_plain
        (param $i0 i32) (param $i1 i32) (param $jFrom i32) (param $jTo i32)
        (param $a i32) (param $m i32) (param $k i32) (param $transA i32)
        (param $b i32) (param $n i32) (param $c i32) (param $acc i32) (param $lists i32)
    (local $i i32) (local $rowBytes i32) (local $off1 i32) (local $val0 i32) (local $val1 i32)
    (local $cnt0 i32) (local $cnt1 i32) (local $src i32)
    (local.set $rowBytes (i32.shl (local.get $n) (i32.const 3)))
    (local.set $off1 (i32.add (local.get $lists) (i32.shl (local.get $k) (i32.const 2))))
    (local.set $val0 (i32.and (i32.add (i32.add (local.get $lists) (i32.shl (local.get $k) (i32.const 3)))
                                       (i32.const 15)) (i32.const -16)))
    (local.set $val1 (i32.add (local.get $val0) (i32.shl (local.get $k) (i32.const 3))))
    (local.set $i (local.get $i0))
    (if (i32.eqz (local.get $transA))
      (then
        ;; B over 2 MiB (a 784-input layer wider than 334 units, e.g. 800) is streamed from L3
        ;; by every row: go through it in column blocks instead. (Measured on 2 cores: 784-800
        ;; at batch 32, 12% faster; 784-256 and 784-128, which L2 nearly holds, no faster.)
        (if (i32.gt_u (i32.mul (local.get $k) (local.get $n)) (i32.const 262144))
          (then
            (block $grouped
              (loop $group
                (br_if $grouped (i32.ge_u (local.get $i) (local.get $i1)))
                (call $rows_blocked (local.get $i)
                  (select (i32.add (local.get $i) (i32.const 8)) (local.get $i1)
                          (i32.lt_u (i32.add (local.get $i) (i32.const 8)) (local.get $i1)))
                  (local.get $jFrom) (local.get $jTo)
                  (local.get $a) (local.get $k) (local.get $b) (local.get $n) (local.get $c) (local.get $acc)
                  (local.get $lists))
                (local.set $i (i32.add (local.get $i) (i32.const 8)))
                (br $group)))
            (return)))
        ;; Two rows at a time, together when dense enough (see $pair_pays), then an odd last row.
        (block $pairs_done
          (loop $pair
            (br_if $pairs_done (i32.gt_u (i32.add (local.get $i) (i32.const 2)) (local.get $i1)))
            (local.set $cnt0 (call $compact_row
              (i32.add (local.get $a) (i32.shl (i32.mul (local.get $i) (local.get $k)) (i32.const 3)))
              (local.get $k) (local.get $rowBytes) (local.get $lists) (local.get $val0)))
            (local.set $cnt1 (call $compact_row
              (i32.add (local.get $a) (i32.shl (i32.mul (i32.add (local.get $i) (i32.const 1)) (local.get $k)) (i32.const 3)))
              (local.get $k) (local.get $rowBytes) (local.get $off1) (local.get $val1)))
            (if (call $pair_pays (local.get $cnt0) (local.get $cnt1) (local.get $k) (local.get $acc))
              (then
                (local.set $cnt0 (call $compact_pair
                  (local.tee $src (i32.add (local.get $a) (i32.shl (i32.mul (local.get $i) (local.get $k)) (i32.const 3))))
                  (i32.add (local.get $src) (i32.shl (local.get $k) (i32.const 3))) (i32.const 8)
                  (local.get $k) (local.get $rowBytes) (local.get $lists) (local.get $val0)))
                (call $pair_product (local.get $lists) (local.get $val0) (local.get $cnt0) (local.get $b)
                  (i32.add (local.get $c) (i32.mul (local.get $i) (local.get $rowBytes)))
                  (local.get $rowBytes) (local.get $jFrom) (local.get $jTo) (local.get $acc)))
              (else
                (call $row_product (local.get $lists) (local.get $val0) (local.get $cnt0) (local.get $b)
                  (i32.add (local.get $c) (i32.mul (local.get $i) (local.get $rowBytes)))
                  (local.get $jFrom) (local.get $jTo) (local.get $acc))
                (call $row_product (local.get $off1) (local.get $val1) (local.get $cnt1) (local.get $b)
                  (i32.add (local.get $c) (i32.mul (i32.add (local.get $i) (i32.const 1)) (local.get $rowBytes)))
                  (local.get $jFrom) (local.get $jTo) (local.get $acc))))
            (local.set $i (i32.add (local.get $i) (i32.const 2)))
            (br $pair)))
        (if (i32.lt_u (local.get $i) (local.get $i1))
          (then
            (local.set $cnt0 (call $compact_row
              (i32.add (local.get $a) (i32.shl (i32.mul (local.get $i) (local.get $k)) (i32.const 3)))
              (local.get $k) (local.get $rowBytes) (local.get $lists) (local.get $val0)))
            (call $row_product (local.get $lists) (local.get $val0) (local.get $cnt0) (local.get $b)
              (i32.add (local.get $c) (i32.mul (local.get $i) (local.get $rowBytes)))
              (local.get $jFrom) (local.get $jTo) (local.get $acc)))))
      (else
        ;; Row i of op(A) is column i of A: two columns per pass over A's rows.
        (block $done
          (loop $pair
            (br_if $done (i32.gt_u (i32.add (local.get $i) (i32.const 2)) (local.get $i1)))
            (call $compact_columns2
              (i32.add (local.get $a) (i32.shl (local.get $i) (i32.const 3)))
              (i32.shl (local.get $m) (i32.const 3)) (local.get $k) (local.get $rowBytes)
              (local.get $lists) (local.get $val0) (local.get $off1) (local.get $val1))
            (local.set $cnt1)
            (local.set $cnt0)
            (if (call $pair_pays (local.get $cnt0) (local.get $cnt1) (local.get $k) (local.get $acc))
              (then
                ;; a dense pair: one list (offsets at lists, values from val0 over val1's room)
                (local.set $cnt0 (call $compact_pair
                  (local.tee $src (i32.add (local.get $a) (i32.shl (local.get $i) (i32.const 3))))
                  (i32.add (local.get $src) (i32.const 8)) (i32.shl (local.get $m) (i32.const 3))
                  (local.get $k) (local.get $rowBytes) (local.get $lists) (local.get $val0)))
                (call $pair_product (local.get $lists) (local.get $val0) (local.get $cnt0) (local.get $b)
                  (i32.add (local.get $c) (i32.mul (local.get $i) (local.get $rowBytes)))
                  (local.get $rowBytes) (local.get $jFrom) (local.get $jTo) (local.get $acc)))
              (else
                (call $row_product (local.get $lists) (local.get $val0) (local.get $cnt0) (local.get $b)
                  (i32.add (local.get $c) (i32.mul (local.get $i) (local.get $rowBytes)))
                  (local.get $jFrom) (local.get $jTo) (local.get $acc))
                (call $row_product (local.get $off1) (local.get $val1) (local.get $cnt1) (local.get $b)
                  (i32.add (local.get $c) (i32.mul (i32.add (local.get $i) (i32.const 1)) (local.get $rowBytes)))
                  (local.get $jFrom) (local.get $jTo) (local.get $acc))))
            (local.set $i (i32.add (local.get $i) (i32.const 2)))
            (br $pair)))
        (if (i32.lt_u (local.get $i) (local.get $i1))
          (then
            (local.set $cnt0 (call $compact_strided
              (i32.add (local.get $a) (i32.shl (local.get $i) (i32.const 3)))
              (i32.shl (local.get $m) (i32.const 3)) (local.get $k) (local.get $rowBytes) (i32.const 0)
              (local.get $lists) (local.get $val0)))
            (call $row_product (local.get $lists) (local.get $val0) (local.get $cnt0) (local.get $b)
              (i32.add (local.get $c) (i32.mul (local.get $i) (local.get $rowBytes)))
              (local.get $jFrom) (local.get $jTo) (local.get $acc)))))))

  ;; Shared jobs for worker threads. A job at `job` (256 bytes): i64 claim word (low half: next
  ;; chunk, high half: job sequence number), i32 chunks finished, i32 chunk count, i32 rows (or
  ;; values) per chunk, then the matmul_rows arguments a, m, k, transA, b, n, c, acc, lists,
  ;; the lists' stride between threads, and at +60 the job's kind:
  ;;   0: a matmul, split by rows of C;
  ;;   6: a matmul, split by columns of C (the i32 at +16 is then columns per chunk);
  ;;   1, 2, 3: sgd_step (sgd_decay_step when wd is not 0), sgd_momentum_step, adam_step over m values, split into runs of them,
  ;;      with the i32 pointers w, g, buf|m, v, out, outBuf|outM, outV at +128, the flag
  ;;      (nesterov or decoupled) at +156 and the f64 numbers lr, μ|β1, wd, q1, β2, q2, eps, c1,
  ;;      c2 at +160. Each value's update is independent of the others: any split gives the same bits;
  ;;   4: a transpose, dst [cols, rows] = srcᵀ, split by rows of dst: src at +20, cols (the rows
  ;;      of dst, which chunks count) at +24, rows at +28, dst at +36.
  ;;   5: a gathered batch ($gather_scaled), split by images: images at +20, the image count at
  ;;      +24, pixels at +28, rows at +32, out at +36, scale (f64) at +160.
  ;; NOTE: +64..+127 is not the job's: the JavaScript side keeps its wake-up words there.

  ;; Computes chunk `chunk` of the job at `job` (see above) on thread `thread`.
  (func $run_chunk (param $job i32) (param $chunk i32) (param $thread i32)
    (local $kind i32) (local $i0 i32) (local $i1 i32) (local $o i32) (local $cnt i32)
    (local.set $kind (i32.load offset=60 (local.get $job)))
    (local.set $i0 (i32.mul (local.get $chunk) (i32.load offset=16 (local.get $job))))
    (local.set $i1 (i32.add (local.get $i0) (i32.load offset=16 (local.get $job))))
    (if (i32.gt_u (local.get $i1) (i32.load offset=24 (local.get $job)))
      (then (local.set $i1 (i32.load offset=24 (local.get $job)))))
    (if (i32.eq (local.get $kind) (i32.const 6))
      (then
        ;; columns chunk·per .. of every row (per at +16, n at +40)
        (local.set $i0 (i32.mul (local.get $chunk) (i32.load offset=16 (local.get $job))))
        (local.set $i1 (i32.add (local.get $i0) (i32.load offset=16 (local.get $job))))
        (if (i32.gt_u (local.get $i1) (i32.load offset=40 (local.get $job)))
          (then (local.set $i1 (i32.load offset=40 (local.get $job)))))
        (call $matmul_block (i32.const 0) (i32.load offset=24 (local.get $job)) (local.get $i0) (local.get $i1)
          (i32.load offset=20 (local.get $job)) (i32.load offset=24 (local.get $job))
          (i32.load offset=28 (local.get $job)) (i32.load offset=32 (local.get $job))
          (i32.load offset=36 (local.get $job)) (i32.load offset=40 (local.get $job))
          (i32.load offset=44 (local.get $job)) (i32.load offset=48 (local.get $job))
          (i32.add (i32.load offset=52 (local.get $job))
                   (i32.mul (local.get $thread) (i32.load offset=56 (local.get $job)))))
        (return)))
    (if (i32.eqz (local.get $kind))
      (then
        (call $matmul_rows (local.get $i0) (local.get $i1)
          (i32.load offset=20 (local.get $job)) (i32.load offset=24 (local.get $job))
          (i32.load offset=28 (local.get $job)) (i32.load offset=32 (local.get $job))
          (i32.load offset=36 (local.get $job)) (i32.load offset=40 (local.get $job))
          (i32.load offset=44 (local.get $job)) (i32.load offset=48 (local.get $job))
          (i32.add (i32.load offset=52 (local.get $job))
                   (i32.mul (local.get $thread) (i32.load offset=56 (local.get $job)))))
        (return)))
    (if (i32.eq (local.get $kind) (i32.const 5))
      (then
        (call $gather_scaled
          (i32.load offset=20 (local.get $job)) (i32.load offset=28 (local.get $job))
          (i32.load offset=32 (local.get $job)) (local.get $i0) (local.get $i1)
          (i32.load offset=36 (local.get $job)) (f64.load offset=160 (local.get $job)))
        (return)))
    (if (i32.eq (local.get $kind) (i32.const 4))
      (then
        (call $transpose_rows
          (i32.load offset=20 (local.get $job)) (i32.load offset=28 (local.get $job))
          (i32.load offset=24 (local.get $job)) (i32.load offset=36 (local.get $job))
          (local.get $i0) (local.get $i1))
        (return)))
    (local.set $o (i32.shl (local.get $i0) (i32.const 3)))
    (local.set $cnt (i32.sub (local.get $i1) (local.get $i0)))
    (if (i32.eq (local.get $kind) (i32.const 1))
      (then
        (if (f64.eq (f64.load offset=176 (local.get $job)) (f64.const 0))
          (then
            (call $sgd_step
              (i32.add (i32.load offset=128 (local.get $job)) (local.get $o))
              (i32.add (i32.load offset=132 (local.get $job)) (local.get $o))
              (i32.add (i32.load offset=144 (local.get $job)) (local.get $o))
              (local.get $cnt) (f64.load offset=160 (local.get $job))))
          (else
            (call $sgd_decay_step
              (i32.add (i32.load offset=128 (local.get $job)) (local.get $o))
              (i32.add (i32.load offset=132 (local.get $job)) (local.get $o))
              (i32.add (i32.load offset=144 (local.get $job)) (local.get $o))
              (local.get $cnt) (f64.load offset=160 (local.get $job)) (f64.load offset=176 (local.get $job)))))
        (return)))
    (if (i32.eq (local.get $kind) (i32.const 2))
      (then
        (call $sgd_momentum_step
          (i32.add (i32.load offset=128 (local.get $job)) (local.get $o))
          (i32.add (i32.load offset=132 (local.get $job)) (local.get $o))
          (i32.add (i32.load offset=136 (local.get $job)) (local.get $o))
          (i32.add (i32.load offset=144 (local.get $job)) (local.get $o))
          (i32.add (i32.load offset=148 (local.get $job)) (local.get $o))
          (local.get $cnt) (f64.load offset=160 (local.get $job)) (f64.load offset=168 (local.get $job))
          (f64.load offset=176 (local.get $job)) (i32.load offset=156 (local.get $job)))
        (return)))
    (call $adam_step
      (i32.add (i32.load offset=128 (local.get $job)) (local.get $o))
      (i32.add (i32.load offset=132 (local.get $job)) (local.get $o))
      (i32.add (i32.load offset=136 (local.get $job)) (local.get $o))
      (i32.add (i32.load offset=140 (local.get $job)) (local.get $o))
      (i32.add (i32.load offset=144 (local.get $job)) (local.get $o))
      (i32.add (i32.load offset=148 (local.get $job)) (local.get $o))
      (i32.add (i32.load offset=152 (local.get $job)) (local.get $o))
      (local.get $cnt)
      (f64.load offset=160 (local.get $job)) (f64.load offset=168 (local.get $job))
      (f64.load offset=184 (local.get $job)) (f64.load offset=192 (local.get $job))
      (f64.load offset=200 (local.get $job)) (f64.load offset=208 (local.get $job))
      (f64.load offset=216 (local.get $job)) (f64.load offset=224 (local.get $job))
      (f64.load offset=176 (local.get $job)) (i32.load offset=156 (local.get $job))))

  ;; Closes job number `seq` once all its chunks are finished: its claim word then says "no chunk
  ;; left" whatever count the next job's fields write at +12, so a thread still looping in
  ;; run_job for this job stops, and never claims a chunk of the next one before it is published.
  (func (export "close_job") (param $job i32) (param $seq i32)
    (i64.atomic.store (local.get $job)
      (i64.or (i64.shl (i64.extend_i32_u (local.get $seq)) (i64.const 32)) (i64.const 0xffffffff))))

  ;; Opens job number `seq` for claiming (after its arguments are written).
  (func (export "publish") (param $job i32) (param $seq i32)
    (i32.atomic.store offset=8 (local.get $job) (i32.const 0))
    (i64.atomic.store (local.get $job) (i64.shl (i64.extend_i32_u (local.get $seq)) (i64.const 32))))

  ;; Claims and computes chunks of job `seq` until none are left; returns how many it did.
  ;; NOTE: a claim is a compare-and-swap on (seq, next chunk), and a finished job is closed
  ;; (close_job) before the next one's fields are written, so a thread that is late for an old
  ;; job can never take a chunk of a newer one.
  (func (export "run_job") (param $job i32) (param $seq i32) (param $thread i32) (result i32)
    (local $claim i64) (local $chunk i32) (local $done i32)
    (block $finished
      (loop $next
        (local.set $claim (i64.atomic.load (local.get $job)))
        (br_if $finished (i32.ne (i32.wrap_i64 (i64.shr_u (local.get $claim) (i64.const 32))) (local.get $seq)))
        (local.set $chunk (i32.wrap_i64 (local.get $claim)))
        (br_if $finished (i32.ge_u (local.get $chunk) (i32.load offset=12 (local.get $job))))
        (br_if $next (i64.ne (i64.atomic.rmw.cmpxchg (local.get $job) (local.get $claim)
                                (i64.add (local.get $claim) (i64.const 1)))
                             (local.get $claim)))
        (call $run_chunk (local.get $job) (local.get $chunk) (local.get $thread))
        (drop (i32.atomic.rmw.add offset=8 (local.get $job) (i32.const 1)))
        (local.set $done (i32.add (local.get $done) (i32.const 1)))
        (br $next)))
    (local.get $done))

  ;; dst[cols, rows] = srcᵀ for src [rows, cols].
  (func (export "transpose") (param $src i32) (param $rows i32) (param $cols i32) (param $dst i32)
    (call $transpose_rows (local.get $src) (local.get $rows) (local.get $cols) (local.get $dst)
      (i32.const 0) (local.get $cols)))

  ;; Rows j0 <= j < j1 of dst [cols, rows] = srcᵀ (columns j0..j1 of src [rows, cols]). Strips of
  ;; 8 source rows; in each, 2×2 blocks are swapped with two shuffles, so every load and store
  ;; moves 16 bytes and each destination row gets 64 contiguous bytes per strip.
  ;; NOTE: a copy, exact in every bit, however the rows of dst are split between threads.
  (func $transpose_rows (param $src i32) (param $rows i32) (param $cols i32) (param $dst i32)
                        (param $j0 i32) (param $j1 i32)
    (local $i0 i32) (local $h i32) (local $j i32) (local $r i32) (local $s i32) (local $d i32)
    (local $colBytes i32) (local $rowBytes i32) (local $jPairs i32) (local $lo v128) (local $hi v128)
    (local.set $colBytes (i32.shl (local.get $cols) (i32.const 3)))
    (local.set $rowBytes (i32.shl (local.get $rows) (i32.const 3)))
    ;; the pairs of columns: j0 + an even count
    (local.set $jPairs (i32.add (local.get $j0)
      (i32.and (i32.sub (local.get $j1) (local.get $j0)) (i32.const -2))))
    (block $strips_done
      (loop $strip
        (br_if $strips_done (i32.ge_u (local.get $i0) (local.get $rows)))
        (local.set $h (i32.sub (local.get $rows) (local.get $i0)))
        (if (i32.gt_u (local.get $h) (i32.const 8)) (then (local.set $h (i32.const 8))))
        (local.set $j (local.get $j0))
        (block $pairs_done
          (loop $pair
            (br_if $pairs_done (i32.ge_u (local.get $j) (local.get $jPairs)))
            ;; s = &src[i0, j], d = &dst[j, i0]
            (local.set $s (i32.add (local.get $src)
              (i32.shl (i32.add (i32.mul (local.get $i0) (local.get $cols)) (local.get $j)) (i32.const 3))))
            (local.set $d (i32.add (local.get $dst)
              (i32.shl (i32.add (i32.mul (local.get $j) (local.get $rows)) (local.get $i0)) (i32.const 3))))
            (local.set $r (i32.const 0))
            (block $rows_done
              (loop $rowpair
                (br_if $rows_done (i32.gt_u (i32.add (local.get $r) (i32.const 2)) (local.get $h)))
                (local.set $lo (v128.load (local.get $s)))
                (local.set $hi (v128.load (i32.add (local.get $s) (local.get $colBytes))))
                (v128.store (local.get $d)
                  (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $lo) (local.get $hi)))
                (v128.store (i32.add (local.get $d) (local.get $rowBytes))
                  (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $lo) (local.get $hi)))
                (local.set $s (i32.add (local.get $s) (i32.shl (local.get $colBytes) (i32.const 1))))
                (local.set $d (i32.add (local.get $d) (i32.const 16)))
                (local.set $r (i32.add (local.get $r) (i32.const 2)))
                (br $rowpair)))
            ;; an odd last row of the strip
            (if (i32.lt_u (local.get $r) (local.get $h))
              (then
                (f64.store (local.get $d) (f64.load (local.get $s)))
                (f64.store (i32.add (local.get $d) (local.get $rowBytes)) (f64.load offset=8 (local.get $s)))))
            (local.set $j (i32.add (local.get $j) (i32.const 2)))
            (br $pair)))
        ;; an odd last column
        (if (i32.lt_u (local.get $j) (local.get $j1))
          (then
            (local.set $s (i32.add (local.get $src)
              (i32.shl (i32.add (i32.mul (local.get $i0) (local.get $cols)) (local.get $j)) (i32.const 3))))
            (local.set $d (i32.add (local.get $dst)
              (i32.shl (i32.add (i32.mul (local.get $j) (local.get $rows)) (local.get $i0)) (i32.const 3))))
            (local.set $r (i32.const 0))
            (loop $row
              (f64.store (local.get $d) (f64.load (local.get $s)))
              (local.set $s (i32.add (local.get $s) (local.get $colBytes)))
              (local.set $d (i32.add (local.get $d) (i32.const 8)))
              (br_if $row (i32.lt_u (local.tee $r (i32.add (local.get $r) (i32.const 1))) (local.get $h))))))
        (local.set $i0 (i32.add (local.get $i0) (i32.const 8)))
        (br $strip))))

  ;; out[i] = w[i] - lr·(g[i] + wd·w[i]) for i < n: SGD with L2 weight decay, in the TypeScript
  ;; kernel's order (never fused), so bit-identical to it.
  (func $sgd_decay_step (export "sgd_decay_step") (param $w i32) (param $g i32) (param $out i32) (param $n i32)
        (param $lr f64) (param $wd f64)
    (local $i i32) (local $pairs i32) (local $lrv v128) (local $wdv v128) (local $x v128) (local $f f64)
    (local.set $lrv (f64x2.splat (local.get $lr)))
    (local.set $wdv (f64x2.splat (local.get $wd)))
    (local.set $pairs (i32.and (local.get $n) (i32.const -2)))
    (block $done
      (loop $pair
        (br_if $done (i32.ge_u (local.get $i) (local.get $pairs)))
        (local.set $x (v128.load (local.get $w)))
        (v128.store (local.get $out)
          (f64x2.sub (local.get $x)
            (f64x2.mul (local.get $lrv) (f64x2.add (v128.load (local.get $g)) (f64x2.mul (local.get $wdv) (local.get $x))))))
        (local.set $w (i32.add (local.get $w) (i32.const 16)))
        (local.set $g (i32.add (local.get $g) (i32.const 16)))
        (local.set $out (i32.add (local.get $out) (i32.const 16)))
        (local.set $i (i32.add (local.get $i) (i32.const 2)))
        (br $pair)))
    (if (i32.lt_u (local.get $i) (local.get $n))
      (then
        (local.set $f (f64.load (local.get $w)))
        (f64.store (local.get $out)
          (f64.sub (local.get $f)
            (f64.mul (local.get $lr) (f64.add (f64.load (local.get $g)) (f64.mul (local.get $wd) (local.get $f)))))))))

  ;; out[i] = w[i] - lr·g[i] for i < n: plain SGD's update, four values per iteration.
  ;; NOTE: multiply, then subtract: never fused (this is not relaxed_madd), so every bit equals
  ;; the TypeScript loop's `w[i] - lr * g[i]`.
  (func $sgd_step (export "sgd_step") (param $w i32) (param $g i32) (param $out i32) (param $n i32) (param $lr f64)
    (local $lrv v128) (local $end i32) (local $tail i32)
    (local.set $lrv (f64x2.splat (local.get $lr)))
    (local.set $end (i32.add (local.get $w) (i32.shl (i32.and (local.get $n) (i32.const -4)) (i32.const 3))))
    (block $quads_done
      (loop $quad
        (br_if $quads_done (i32.ge_u (local.get $w) (local.get $end)))
        (v128.store offset=0 (local.get $out)
          (f64x2.sub (v128.load offset=0 (local.get $w))
                     (f64x2.mul (local.get $lrv) (v128.load offset=0 (local.get $g)))))
        (v128.store offset=16 (local.get $out)
          (f64x2.sub (v128.load offset=16 (local.get $w))
                     (f64x2.mul (local.get $lrv) (v128.load offset=16 (local.get $g)))))
        (local.set $w (i32.add (local.get $w) (i32.const 32)))
        (local.set $g (i32.add (local.get $g) (i32.const 32)))
        (local.set $out (i32.add (local.get $out) (i32.const 32)))
        (br $quad)))
    (local.set $tail (i32.and (local.get $n) (i32.const 3)))
    (block $done
      (loop $one
        (br_if $done (i32.eqz (local.get $tail)))
        (f64.store (local.get $out)
          (f64.sub (f64.load (local.get $w)) (f64.mul (local.get $lr) (f64.load (local.get $g)))))
        (local.set $w (i32.add (local.get $w) (i32.const 8)))
        (local.set $g (i32.add (local.get $g) (i32.const 8)))
        (local.set $out (i32.add (local.get $out) (i32.const 8)))
        (local.set $tail (i32.sub (local.get $tail) (i32.const 1)))
        (br $one))))

  ;; ---- Elementwise kernels. Each gives every element the same operations, in the same order,
  ;; as the TypeScript kernels, so their results are bit-identical (no fused multiply-add here).

  ;; out[i, j] = x[i, j] + bias[j] for x [rows, cols] (out may be x).
  (func (export "add_row_vector") (param $x i32) (param $bias i32) (param $out i32) (param $rows i32) (param $cols i32)
    (local $i i32) (local $j i32) (local $pairs i32)
    (local.set $pairs (i32.and (local.get $cols) (i32.const -2)))
    (block $done
      (loop $row
        (br_if $done (i32.ge_u (local.get $i) (local.get $rows)))
        (local.set $j (i32.const 0))
        (block $pairs_done
          (loop $pair
            (br_if $pairs_done (i32.ge_u (local.get $j) (local.get $pairs)))
            (v128.store (i32.add (local.get $out) (i32.shl (local.get $j) (i32.const 3)))
              (f64x2.add (v128.load (i32.add (local.get $x) (i32.shl (local.get $j) (i32.const 3))))
                         (v128.load (i32.add (local.get $bias) (i32.shl (local.get $j) (i32.const 3))))))
            (local.set $j (i32.add (local.get $j) (i32.const 2)))
            (br $pair)))
        (if (i32.lt_u (local.get $j) (local.get $cols))
          (then
            (f64.store (i32.add (local.get $out) (i32.shl (local.get $j) (i32.const 3)))
              (f64.add (f64.load (i32.add (local.get $x) (i32.shl (local.get $j) (i32.const 3))))
                       (f64.load (i32.add (local.get $bias) (i32.shl (local.get $j) (i32.const 3))))))))
        (local.set $x (i32.add (local.get $x) (i32.shl (local.get $cols) (i32.const 3))))
        (local.set $out (i32.add (local.get $out) (i32.shl (local.get $cols) (i32.const 3))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $row))))

  ;; out[j] (=|+=) Σ_i x[i, j] for x [rows, cols], rows added in order (from +0 unless acc).
  (func (export "sum_rows") (param $x i32) (param $out i32) (param $rows i32) (param $cols i32) (param $acc i32)
    (local $i i32) (local $j i32) (local $p i32) (local $s v128) (local $t f64)
    (block $pairs_done
      (loop $pair
        (br_if $pairs_done (i32.gt_u (i32.add (local.get $j) (i32.const 2)) (local.get $cols)))
        (local.set $s (v128.const i64x2 0 0))
        (if (local.get $acc)
          (then (local.set $s (v128.load (i32.add (local.get $out) (i32.shl (local.get $j) (i32.const 3)))))))
        (local.set $p (i32.add (local.get $x) (i32.shl (local.get $j) (i32.const 3))))
        (local.set $i (i32.const 0))
        (block $rows_done
          (loop $row
            (br_if $rows_done (i32.ge_u (local.get $i) (local.get $rows)))
            (local.set $s (f64x2.add (local.get $s) (v128.load (local.get $p))))
            (local.set $p (i32.add (local.get $p) (i32.shl (local.get $cols) (i32.const 3))))
            (local.set $i (i32.add (local.get $i) (i32.const 1)))
            (br $row)))
        (v128.store (i32.add (local.get $out) (i32.shl (local.get $j) (i32.const 3))) (local.get $s))
        (local.set $j (i32.add (local.get $j) (i32.const 2)))
        (br $pair)))
    (if (i32.lt_u (local.get $j) (local.get $cols))
      (then
        (local.set $t (f64.const 0))
        (if (local.get $acc)
          (then (local.set $t (f64.load (i32.add (local.get $out) (i32.shl (local.get $j) (i32.const 3)))))))
        (local.set $p (i32.add (local.get $x) (i32.shl (local.get $j) (i32.const 3))))
        (local.set $i (i32.const 0))
        (block $rows_done
          (loop $row
            (br_if $rows_done (i32.ge_u (local.get $i) (local.get $rows)))
            (local.set $t (f64.add (local.get $t) (f64.load (local.get $p))))
            (local.set $p (i32.add (local.get $p) (i32.shl (local.get $cols) (i32.const 3))))
            (local.set $i (i32.add (local.get $i) (i32.const 1)))
            (br $row)))
        (f64.store (i32.add (local.get $out) (i32.shl (local.get $j) (i32.const 3))) (local.get $t)))))

  ;; out[i] = x[i] > 0 ? x[i] : 0 for i < n (NaN and -0 give +0), branch-free.
  (func (export "relu") (param $x i32) (param $out i32) (param $n i32)
    (local $end i32) (local $v v128) (local $f f64)
    (local.set $end (i32.add (local.get $x) (i32.shl (i32.and (local.get $n) (i32.const -2)) (i32.const 3))))
    (block $done
      (loop $pair
        (br_if $done (i32.ge_u (local.get $x) (local.get $end)))
        (local.set $v (v128.load (local.get $x)))
        (v128.store (local.get $out) (v128.and (local.get $v) (f64x2.gt (local.get $v) (v128.const i64x2 0 0))))
        (local.set $x (i32.add (local.get $x) (i32.const 16)))
        (local.set $out (i32.add (local.get $out) (i32.const 16)))
        (br $pair)))
    (if (i32.and (local.get $n) (i32.const 1))
      (then
        (local.set $f (f64.load (local.get $x)))
        (f64.store (local.get $out) (select (local.get $f) (f64.const 0) (f64.gt (local.get $f) (f64.const 0)))))))

  ;; dx[i] = (acc ? dx[i] : 0) + dy[i] where x[i] > 0; elsewhere dx[i] is left (acc) or 0.
  (func (export "relu_backward") (param $x i32) (param $dy i32) (param $dx i32) (param $n i32) (param $acc i32)
    (local $end i32) (local $d v128) (local $f f64)
    (local.set $end (i32.add (local.get $x) (i32.shl (i32.and (local.get $n) (i32.const -2)) (i32.const 3))))
    (block $done
      (loop $pair
        (br_if $done (i32.ge_u (local.get $x) (local.get $end)))
        (local.set $d (v128.const i64x2 0 0))
        (if (local.get $acc) (then (local.set $d (v128.load (local.get $dx)))))
        (v128.store (local.get $dx)
          (v128.bitselect (f64x2.add (local.get $d) (v128.load (local.get $dy))) (local.get $d)
                          (f64x2.gt (v128.load (local.get $x)) (v128.const i64x2 0 0))))
        (local.set $x (i32.add (local.get $x) (i32.const 16)))
        (local.set $dy (i32.add (local.get $dy) (i32.const 16)))
        (local.set $dx (i32.add (local.get $dx) (i32.const 16)))
        (br $pair)))
    (if (i32.and (local.get $n) (i32.const 1))
      (then
        (local.set $f (f64.const 0))
        (if (local.get $acc) (then (local.set $f (f64.load (local.get $dx)))))
        (f64.store (local.get $dx)
          (select (f64.add (local.get $f) (f64.load (local.get $dy))) (local.get $f)
                  (f64.gt (f64.load (local.get $x)) (f64.const 0)))))))

;; A batch gathered from a dataset's bytes: out[r, :] = images[rows[r]·pixels ..] · scale for
  ;; r0 <= r < r1 (rows: i32 image indices). Each value is computed as $scale_bytes computes it.
  ;; NOTE: the images are scattered over a dataset bigger than L3, so the gather waits on memory.
  ;; Every cache line of the images is touched first, so that their misses overlap one another
  ;; instead of coming one image after another. W's batch of 64, medians in training: 42 µs
  ;; copied in JavaScript and scaled here; 23 µs in here on one thread, 14 µs on two.
  (func $gather_scaled (export "gather_scaled") (param $images i32) (param $pixels i32) (param $rows i32)
        (param $r0 i32) (param $r1 i32) (param $out i32) (param $scale f64)
    (local $r i32) (local $at i32) (local $end i32) (local $seen i32)
    (local.set $r (local.get $r0))
    (block $all_touched
      (loop $image
        (br_if $all_touched (i32.ge_u (local.get $r) (local.get $r1)))
        (local.set $at (call $image_at (local.get $images) (local.get $pixels) (local.get $rows) (local.get $r)))
        (local.set $end (i32.add (local.get $at) (local.get $pixels)))
        (local.set $at (i32.and (local.get $at) (i32.const -64))) ;; from the line the image starts in
        (block $touched
          (loop $line
            (br_if $touched (i32.ge_u (local.get $at) (local.get $end)))
            (local.set $seen (i32.or (local.get $seen) (i32.load8_u (local.get $at))))
            (local.set $at (i32.add (local.get $at) (i32.const 64)))
            (br $line)))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br $image)))
    ;; (a use of the touched bytes, so that no compiler drops the loads; never true for bytes)
    (if (i32.gt_u (local.get $seen) (i32.const 255)) (then (unreachable)))
    (block $done
      (loop $scale
        (br_if $done (i32.ge_u (local.get $r0) (local.get $r1)))
        (call $scale_bytes (call $image_at (local.get $images) (local.get $pixels) (local.get $rows) (local.get $r0))
          (i32.add (local.get $out) (i32.shl (i32.mul (local.get $r0) (local.get $pixels)) (i32.const 3)))
          (local.get $pixels) (local.get $scale))
        (local.set $r0 (i32.add (local.get $r0) (i32.const 1)))
        (br $scale))))

  ;; Where image rows[r] starts.
  (func $image_at (param $images i32) (param $pixels i32) (param $rows i32) (param $r i32) (result i32)
    (i32.add (local.get $images)
             (i32.mul (i32.load (i32.add (local.get $rows) (i32.shl (local.get $r) (i32.const 2)))) (local.get $pixels))))

  ;; out[i] = src[i] · scale for n bytes at src (a batch of images into network input), 16 bytes
  ;; at a time: widened to u32, converted to f64 (exact) and multiplied, two values per f64x2
  ;; (a 64-image MNIST batch: 18 -> 10 µs). Runs of 16 zero bytes (most of an MNIST image)
  ;; become zeros with one test.
  (func $scale_bytes (export "scale_bytes") (param $src i32) (param $out i32) (param $n i32) (param $scale f64)
    (local $end i32) (local $zero v128) (local $s v128) (local $v v128) (local $h v128) (local $q v128)
    ;; 0 · scale, not a literal 0: -0 for a negative scale, as the TypeScript kernel gives.
    (local.set $zero (f64x2.splat (f64.mul (f64.const 0) (local.get $scale))))
    (local.set $s (f64x2.splat (local.get $scale)))
    (local.set $end (i32.add (local.get $src) (i32.and (local.get $n) (i32.const -16))))
    (block $chunks_done
      (loop $chunk
        (br_if $chunks_done (i32.ge_u (local.get $src) (local.get $end)))
        (local.set $v (v128.load (local.get $src)))
        (if (v128.any_true (local.get $v))
          (then
            (local.set $h (i16x8.extend_low_i8x16_u (local.get $v)))
            (local.set $q (i32x4.extend_low_i16x8_u (local.get $h)))
            (v128.store offset=0 (local.get $out) (f64x2.mul (f64x2.convert_low_i32x4_u (local.get $q)) (local.get $s)))
            (v128.store offset=16 (local.get $out) (f64x2.mul (f64x2.convert_low_i32x4_u
              (i8x16.shuffle 8 9 10 11 12 13 14 15 8 9 10 11 12 13 14 15 (local.get $q) (local.get $q))) (local.get $s)))
            (local.set $q (i32x4.extend_high_i16x8_u (local.get $h)))
            (v128.store offset=32 (local.get $out) (f64x2.mul (f64x2.convert_low_i32x4_u (local.get $q)) (local.get $s)))
            (v128.store offset=48 (local.get $out) (f64x2.mul (f64x2.convert_low_i32x4_u
              (i8x16.shuffle 8 9 10 11 12 13 14 15 8 9 10 11 12 13 14 15 (local.get $q) (local.get $q))) (local.get $s)))
            (local.set $h (i16x8.extend_high_i8x16_u (local.get $v)))
            (local.set $q (i32x4.extend_low_i16x8_u (local.get $h)))
            (v128.store offset=64 (local.get $out) (f64x2.mul (f64x2.convert_low_i32x4_u (local.get $q)) (local.get $s)))
            (v128.store offset=80 (local.get $out) (f64x2.mul (f64x2.convert_low_i32x4_u
              (i8x16.shuffle 8 9 10 11 12 13 14 15 8 9 10 11 12 13 14 15 (local.get $q) (local.get $q))) (local.get $s)))
            (local.set $q (i32x4.extend_high_i16x8_u (local.get $h)))
            (v128.store offset=96 (local.get $out) (f64x2.mul (f64x2.convert_low_i32x4_u (local.get $q)) (local.get $s)))
            (v128.store offset=112 (local.get $out) (f64x2.mul (f64x2.convert_low_i32x4_u
              (i8x16.shuffle 8 9 10 11 12 13 14 15 8 9 10 11 12 13 14 15 (local.get $q) (local.get $q))) (local.get $s))))
          (else
            (v128.store offset=0 (local.get $out) (local.get $zero))
            (v128.store offset=16 (local.get $out) (local.get $zero))
            (v128.store offset=32 (local.get $out) (local.get $zero))
            (v128.store offset=48 (local.get $out) (local.get $zero))
            (v128.store offset=64 (local.get $out) (local.get $zero))
            (v128.store offset=80 (local.get $out) (local.get $zero))
            (v128.store offset=96 (local.get $out) (local.get $zero))
            (v128.store offset=112 (local.get $out) (local.get $zero))))
        (local.set $src (i32.add (local.get $src) (i32.const 16)))
        (local.set $out (i32.add (local.get $out) (i32.const 128)))
        (br $chunk)))
    (local.set $end (i32.add (local.get $end) (i32.and (local.get $n) (i32.const 15))))
    (block $done
      (loop $byte
        (br_if $done (i32.ge_u (local.get $src) (local.get $end)))
        (f64.store (local.get $out) (f64.mul (f64.convert_i32_u (i32.load8_u (local.get $src))) (local.get $scale)))
        (local.set $out (i32.add (local.get $out) (i32.const 8)))
        (local.set $src (i32.add (local.get $src) (i32.const 1)))
        (br $byte))))

  ;; SGD with momentum (PyTorch's rule), for i < n:
  ;;   d = g + wd·w;  b = μ·buf + d;  outBuf = b;  out = w - lr·(nesterov ? d + μ·b : b)
  ;; NOTE: multiplies and adds in the TypeScript kernel's order, never fused: bit-identical.
  (func $sgd_momentum_step (export "sgd_momentum_step") (param $w i32) (param $g i32) (param $buf i32) (param $out i32) (param $outBuf i32)
        (param $n i32) (param $lr f64) (param $mu f64) (param $wd f64) (param $nesterov i32)
    (local $i i32) (local $pairs i32) (local $lrv v128) (local $muv v128) (local $wdv v128)
    (local $wv v128) (local $d v128) (local $b v128) (local $x f64) (local $e f64) (local $c f64)
    (local.set $lrv (f64x2.splat (local.get $lr)))
    (local.set $muv (f64x2.splat (local.get $mu)))
    (local.set $wdv (f64x2.splat (local.get $wd)))
    (local.set $pairs (i32.and (local.get $n) (i32.const -2)))
    (block $done
      (loop $pair
        (br_if $done (i32.ge_u (local.get $i) (local.get $pairs)))
        (local.set $wv (v128.load (local.get $w)))
        (local.set $d (f64x2.add (v128.load (local.get $g)) (f64x2.mul (local.get $wdv) (local.get $wv))))
        (local.set $b (f64x2.add (f64x2.mul (local.get $muv) (v128.load (local.get $buf))) (local.get $d)))
        (v128.store (local.get $outBuf) (local.get $b))
        (if (local.get $nesterov)
          (then (local.set $b (f64x2.add (local.get $d) (f64x2.mul (local.get $muv) (local.get $b))))))
        (v128.store (local.get $out) (f64x2.sub (local.get $wv) (f64x2.mul (local.get $lrv) (local.get $b))))
        (local.set $w (i32.add (local.get $w) (i32.const 16)))
        (local.set $g (i32.add (local.get $g) (i32.const 16)))
        (local.set $buf (i32.add (local.get $buf) (i32.const 16)))
        (local.set $out (i32.add (local.get $out) (i32.const 16)))
        (local.set $outBuf (i32.add (local.get $outBuf) (i32.const 16)))
        (local.set $i (i32.add (local.get $i) (i32.const 2)))
        (br $pair)))
    (if (i32.lt_u (local.get $i) (local.get $n))
      (then
        (local.set $x (f64.load (local.get $w)))
        (local.set $e (f64.add (f64.load (local.get $g)) (f64.mul (local.get $wd) (local.get $x))))
        (local.set $c (f64.add (f64.mul (local.get $mu) (f64.load (local.get $buf))) (local.get $e)))
        (f64.store (local.get $outBuf) (local.get $c))
        (if (local.get $nesterov)
          (then (local.set $c (f64.add (local.get $e) (f64.mul (local.get $mu) (local.get $c))))))
        (f64.store (local.get $out) (f64.sub (local.get $x) (f64.mul (local.get $lr) (local.get $c)))))))

  ;; Adam and AdamW (PyTorch's rules), for i < n, with c1 = 1-β1ᵗ, c2 = 1-β2ᵗ, and
  ;; q1 = 1-β1, q2 = 1-β2 computed by the caller exactly as the TypeScript kernel does:
  ;;   AdamW: w' = w - lr·wd·w, d = g;  Adam: w' = w, d = g + wd·w
  ;;   m = β1·m + q1·d;  v = β2·v + q2·d·d;  out = w' - lr·(m/c1) / (√(v/c2) + eps)
  (func $adam_step (export "adam_step") (param $w i32) (param $g i32) (param $m i32) (param $v i32)
        (param $out i32) (param $outM i32) (param $outV i32) (param $n i32)
        (param $lr f64) (param $b1 f64) (param $q1 f64) (param $b2 f64) (param $q2 f64) (param $eps f64)
        (param $c1 f64) (param $c2 f64) (param $wd f64) (param $decoupled i32)
    (local $i i32) (local $k i32) (local $wv v128) (local $d v128) (local $mv v128) (local $vv v128)
    (local $lrwd v128) (local $wdv v128)
    (local.set $lrwd (f64x2.splat (f64.mul (local.get $lr) (local.get $wd))))
    (local.set $wdv (f64x2.splat (local.get $wd)))
    ;; Pairs, then the odd last value (adam_one).
    (local.set $k (i32.and (local.get $n) (i32.const -2)))
    (block $done
      (loop $pair
        (br_if $done (i32.ge_u (local.get $i) (local.get $k)))
        (local.set $wv (v128.load (local.get $w)))
        (local.set $d (v128.load (local.get $g)))
        (if (local.get $decoupled)
          (then (local.set $wv (f64x2.sub (local.get $wv) (f64x2.mul (local.get $lrwd) (local.get $wv)))))
          (else (local.set $d (f64x2.add (local.get $d) (f64x2.mul (local.get $wdv) (local.get $wv))))))
        (local.set $mv (f64x2.add (f64x2.mul (f64x2.splat (local.get $b1)) (v128.load (local.get $m)))
                                  (f64x2.mul (f64x2.splat (local.get $q1)) (local.get $d))))
        (local.set $vv (f64x2.add (f64x2.mul (f64x2.splat (local.get $b2)) (v128.load (local.get $v)))
                                  (f64x2.mul (f64x2.mul (f64x2.splat (local.get $q2)) (local.get $d)) (local.get $d))))
        (v128.store (local.get $outM) (local.get $mv))
        (v128.store (local.get $outV) (local.get $vv))
        (v128.store (local.get $out)
          (f64x2.sub (local.get $wv)
            (f64x2.div (f64x2.mul (f64x2.splat (local.get $lr)) (f64x2.div (local.get $mv) (f64x2.splat (local.get $c1))))
                       (f64x2.add (f64x2.sqrt (f64x2.div (local.get $vv) (f64x2.splat (local.get $c2))))
                                  (f64x2.splat (local.get $eps))))))
        (local.set $w (i32.add (local.get $w) (i32.const 16)))
        (local.set $g (i32.add (local.get $g) (i32.const 16)))
        (local.set $m (i32.add (local.get $m) (i32.const 16)))
        (local.set $v (i32.add (local.get $v) (i32.const 16)))
        (local.set $out (i32.add (local.get $out) (i32.const 16)))
        (local.set $outM (i32.add (local.get $outM) (i32.const 16)))
        (local.set $outV (i32.add (local.get $outV) (i32.const 16)))
        (local.set $i (i32.add (local.get $i) (i32.const 2)))
        (br $pair)))
    (if (i32.lt_u (local.get $i) (local.get $n))
      (then (call $adam_one (local.get $w) (local.get $g) (local.get $m) (local.get $v) (local.get $out)
              (local.get $outM) (local.get $outV) (local.get $lr) (local.get $b1) (local.get $q1)
              (local.get $b2) (local.get $q2) (local.get $eps) (local.get $c1) (local.get $c2)
              (local.get $wd) (local.get $decoupled)))))

  ;; adam_step's rule for one value (the odd last one).
  (func $adam_one (param $w i32) (param $g i32) (param $m i32) (param $v i32)
        (param $out i32) (param $outM i32) (param $outV i32)
        (param $lr f64) (param $b1 f64) (param $q1 f64) (param $b2 f64) (param $q2 f64) (param $eps f64)
        (param $c1 f64) (param $c2 f64) (param $wd f64) (param $decoupled i32)
    (local $x f64) (local $d f64) (local $mi f64) (local $vi f64)
    (local.set $x (f64.load (local.get $w)))
    (local.set $d (f64.load (local.get $g)))
    (if (local.get $decoupled)
      (then (local.set $x (f64.sub (local.get $x) (f64.mul (f64.mul (local.get $lr) (local.get $wd)) (local.get $x)))))
      (else (local.set $d (f64.add (local.get $d) (f64.mul (local.get $wd) (local.get $x))))))
    (local.set $mi (f64.add (f64.mul (local.get $b1) (f64.load (local.get $m))) (f64.mul (local.get $q1) (local.get $d))))
    (local.set $vi (f64.add (f64.mul (local.get $b2) (f64.load (local.get $v)))
                            (f64.mul (f64.mul (local.get $q2) (local.get $d)) (local.get $d))))
    (f64.store (local.get $outM) (local.get $mi))
    (f64.store (local.get $outV) (local.get $vi))
    (f64.store (local.get $out)
      (f64.sub (local.get $x)
        (f64.div (f64.mul (local.get $lr) (f64.div (local.get $mi) (local.get $c1)))
                 (f64.add (f64.sqrt (f64.div (local.get $vi) (local.get $c2))) (local.get $eps))))))
)
