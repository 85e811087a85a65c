package org.linlang.runtime.generate;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * The token stream of a chat kept in one session across turns: each turn's prompt is the whole conversation
 * (rendered and tokenized again), and when the tokens the session has already consumed are its beginning,
 * only the rest is fed — the KV caches and recurrent states carry the earlier turns. When they are not
 * (a reply that tokenizes differently once rendered into the template), a fresh session prefills the whole
 * prompt; {@link DecodeSession#prefilled} says how many tokens the turn fed either way.
 */
public final class Conversation {
    private final Supplier<DecodeSession> sessions;
    private DecodeSession session;
    private final List<Long> fed = new ArrayList<>();

    public Conversation(Supplier<DecodeSession> sessions) {
        this.sessions = sessions;
    }

    /** A session for this turn's {@code prompt}: its prefill feeds only what the conversation's session has not seen. */
    public DecodeSession turn(long[] prompt) {
        boolean continues = session != null && fed.size() < prompt.length;
        for (int i = 0; continues && i < fed.size(); i++) continues = fed.get(i) == prompt[i];
        if (!continues) {
            session = sessions.get();
            fed.clear();
        }
        int skip = fed.size();
        DecodeSession inner = session;
        return new DecodeSession() {
            @Override public float[] prefill(long[] ignored) {
                long[] rest = java.util.Arrays.copyOfRange(prompt, skip, prompt.length);
                for (long id : rest) fed.add(id);
                return inner.prefill(rest);
            }

            @Override public float[] next(long token) {
                fed.add(token);
                return inner.next(token);
            }

            @Override public int prefilled(long[] ignored) { return prompt.length - skip; }

            @Override public String method() { return inner.method() + (skip > 0 ? "; " + skip + " tokens of the conversation already in the session" : ""); }
        };
    }
}
