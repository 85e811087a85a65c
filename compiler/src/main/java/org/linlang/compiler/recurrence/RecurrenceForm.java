package org.linlang.compiler.recurrence;

import java.util.List;
import java.util.Locale;
import org.linlang.compiler.ast.Decl;
import org.linlang.compiler.ast.Expr;

/**
 * The canonical form of a recurrence's step and its class (see docs/recurrences.md):
 * <pre>
 *   S_t = A_t S_{t-1} + Σ_r x_r u_rᵀ        for each state
 *   o_t = f(q̃_1 @ S_t, …)                  usually just q̃ @ S_t
 * </pre>
 * Every piece is an AST expression over the step's inputs ({@code let}s inlined), printable with
 * {@link ExprPrinter}; {@link #toString()} renders the whole form as {@code lin explain} shows it.
 *
 * @param decl    the recurrence
 * @param kind    the class of the recurrence: the least chunkable of its states' and its output's
 * @param reason  the class in words: the transition found, or what prevents chunking and where
 * @param states  one form per state, in declaration order
 * @param output  how the emitted value reads the states
 */
public record RecurrenceForm(Decl.Recurrence decl, Kind kind, String reason, List<StateForm> states, Output output) {
    public RecurrenceForm {
        states = List.copyOf(states);
    }

    /** The classes, from the most to the least chunkable. */
    public enum Kind {
        /** {@code A_t = I}, {@code γ_t I} or {@code diag(α_t)}: chunked with cumulative log-space gates. */
        DIAGONAL,
        /** {@code A_t = γ_t (I − β_t k_t k_tᵀ)} (or {@code (I − β_t k_t k_tᵀ) diag(α_t)}): chunked via WY/UT. */
        DELTA,
        /** Linear in the states, but of no chunkable form: sequential kernel only. */
        GENERAL,
        /** Not linear in the states: sequential kernel only. */
        NONLINEAR;

        public String word() { return name().toLowerCase(Locale.ROOT); }

        /** The less chunkable of two classes. */
        public Kind worst(Kind o) { return o.ordinal() > ordinal() ? o : this; }
    }

    /** How a decay is given. */
    public enum Space {
        /** As {@code exp(g)}: the log-decay is {@code g}. */
        LOG,
        /** As a factor such as {@code sigmoid(f)} or {@code 0.96875}: the log-decay needs {@code log}. */
        MULTIPLICATIVE,
        /** A product of both kinds, e.g. {@code 0.5 * exp(g)}. */
        MIXED
    }

    /** Where the decay sits relative to the write (diagonal) or to the delta step (delta). */
    public enum Order {
        /** {@code S = γ S; S = S + …}: the written term is not decayed in its own step. */
        BEFORE,
        /** {@code S = S + …; S = γ S}: the written term carries the decay. */
        AFTER
    }

    /** Which value of a state the output reads. */
    public enum Phase {
        /** S_t: the emit follows the state's updates (every standard recurrence). */
        AFTER_UPDATE,
        /** S_{t-1}: the emit precedes them. */
        BEFORE_UPDATE
    }

    /**
     * The decay of a diagonal or delta transition: the factor {@code γ_t} (scalar) or {@code α_t}
     * (per key channel, a [K] vector) that multiplies the state.
     *
     * @param factor     the multiplicative factor, e.g. {@code exp(g)} or {@code sigmoid(f)}
     * @param logDecay   its logarithm, e.g. {@code g} or {@code log(sigmoid(f))}
     * @param perChannel true for a [K] vector (one decay per key channel), false for a scalar
     * @param space      whether the program gave it in log space
     */
    public record Decay(Expr factor, Expr logDecay, boolean perChannel, Space space) {}

    /** One write term {@code x uᵀ}: key x (over the state's rows) and value u (over its columns; null for a vector state). */
    public record Write(Expr key, Expr value) {}

    /**
     * The delta step: {@code A_t = γ_t (I − β_t k_t k_tᵀ)} (with a per-channel decay,
     * {@code (I − β_t k_t k_tᵀ) diag(α_t)}), written term {@code β_t k_t v_tᵀ}.
     */
    public record Delta(Expr key, Expr beta, Expr value) {}

    /**
     * One state's transition.
     *
     * @param name   the state
     * @param shape  its type as declared, e.g. {@code [K, V]}
     * @param kind   its class
     * @param reason its class in words
     * @param decay  the decay (diagonal and delta); null when there is none (A_t = I or I − β k kᵀ) or the class is general
     * @param delta  the delta step (delta only)
     * @param order  the decay's place (null without a decay, or when the class is general)
     * @param writes the write terms Σ x_r u_rᵀ (diagonal and delta; for delta the one write β k vᵀ)
     */
    public record StateForm(String name, String shape, Kind kind, String reason, Decay decay, Delta delta, Order order,
                            List<Write> writes) {
        public StateForm {
            writes = List.copyOf(writes);
        }
    }

    /**
     * One linear read-out of a state in the output, {@code q̃ @ S}.
     *
     * @param name  the placeholder for it in {@link Output#combination()}, {@code r1}, {@code r2}, …
     * @param state the state read
     * @param query q̃, with its scalar factors (e.g. {@code scale * q}); null when the output is a
     *              vector state itself ({@code emit m} of an EMA: a state [D] read as [1, D] with q̃ = 1)
     * @param phase whether it reads S_t or S_{t-1}
     */
    public record Readout(String name, String state, Expr query, Phase phase) {}

    /**
     * The emitted value.
     *
     * @param readouts    the linear read-outs it is made of
     * @param combination the output in terms of the read-outs' names when it is more than one
     *                    read-out (e.g. {@code r1 / (r2 + 1.0e-6)}); null when it is exactly one
     * @param problem     why the output is not a function of read-outs, which makes the recurrence
     *                    general; null when it is
     */
    public record Output(List<Readout> readouts, Expr combination, String problem) {
        public Output {
            readouts = List.copyOf(readouts);
        }

        /** Whether the output is a function of read-outs, as the chunked kernels need. */
        public boolean chunkable() { return problem == null; }

        /** Whether every read-out reads the state after its update (o_t uses S_t). */
        public boolean afterUpdate() {
            return !readouts.isEmpty() && readouts.stream().allMatch(r -> r.phase() == Phase.AFTER_UPDATE);
        }

        /** q̃ when the output is exactly one read-out, else null. */
        public Expr query() {
            return readouts.size() == 1 && combination == null ? readouts.getFirst().query() : null;
        }
    }

    /** The recurrence's name. */
    public String name() { return decl.name().name(); }

    /** The form of the named state, or null. */
    public StateForm state(String name) {
        for (StateForm s : states) if (s.name().equals(name)) return s;
        return null;
    }

    /** The form as {@code lin explain} prints it. */
    @Override public String toString() { return FormPrinter.render(this); }
}
