package dev.restoreagent.agent.daemon;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import dev.restoreagent.agent.decode.DecoderImplementations;
import dev.restoreagent.agent.failure.OneLine;
import dev.restoreagent.agent.job.JobRegistry;
import dev.restoreagent.agent.job.RestoreJob;
import dev.restoreagent.agent.job.RestoreRequests;
import dev.restoreagent.api.ControlTransport;
import dev.restoreagent.api.JobState;
import dev.restoreagent.api.JobView;
import dev.restoreagent.api.RestoreRequest;
import dev.restoreagent.io.memory.BudgetLease;
import dev.restoreagent.io.memory.DirectMemory;
import dev.restoreagent.io.memory.MemoryBudget;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The HTTP/JSON API over the control socket. Each request is checked against the
 * {@link CallerPolicy} by its peer credentials; a refused caller gets 403 and a log line naming it,
 * and so does one whose credentials cannot be read.
 * Every submit and cancel is logged with the caller's uid and pid, accepted or refused.
 * Shared by every connection; runs on the server's event loop.
 */
@ChannelHandler.Sharable
final class ApiHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
    private static final Logger LOG = Logger.getLogger(ApiHandler.class.getName());
    static final ObjectMapper JSON = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private final JobRegistry jobs;
    private final MemoryBudget budget;
    private final CallerPolicy callers;
    private final PathPolicy paths;
    private final AgentMetrics metrics;
    private final String version;
    private final ControlTransport transport;

    ApiHandler(JobRegistry jobs, MemoryBudget budget, CallerPolicy callers, PathPolicy paths, AgentMetrics metrics,
               String version, ControlTransport transport) {
        this.jobs = jobs;
        this.budget = budget;
        this.callers = callers;
        this.paths = paths;
        this.metrics = metrics;
        this.version = version;
        this.transport = transport;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
        FullHttpResponse response;
        try {
            Caller caller = authorize(ctx);
            if (request.decoderResult().isFailure()) {
                // Netty's codec stands a placeholder in for what it could not read, and reads no more of the connection
                throw new ApiError(HttpResponseStatus.BAD_REQUEST, "not an HTTP request: "
                        + request.decoderResult().cause().getMessage());
            }
            response = route(request, caller);
        } catch (ApiError e) {
            response = error(e);
        } catch (RuntimeException | IOException e) {
            LOG.severe("internal error answering " + request.method() + " " + request.uri() + ": " + e);
            response = error(new ApiError(HttpResponseStatus.INTERNAL_SERVER_ERROR, "internal error: " + e));
        }
        boolean keepAlive = HttpUtil.isKeepAlive(request);
        if (keepAlive) {
            response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
            ctx.writeAndFlush(response);
        } else {
            ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
        }
    }

    /**
     * A request that could not be read whole (its caller hung up in its middle, a chunk that does not
     * parse) closes its connection, in one line of the debug log: a caller must not be able to fill the log
     * with Netty's warnings and their stack traces. An {@link Error} is logged as the failure it is.
     */
    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // the cause may quote what the caller sent: one line, whatever it holds
        LOG.log(cause instanceof Error ? Level.SEVERE : Level.FINE, OneLine.escape("closing a control connection: "
                + cause));
        ctx.close();
    }

    /** Who is calling, for the log: uid and pid, {@code pid=?} where the transport does not tell it. */
    private record Caller(int uid, OptionalInt pid) {
        @Override
        public String toString() {
            return "uid=" + uid + " pid=" + (pid.isPresent() ? Integer.toString(pid.getAsInt()) : "?");
        }
    }

    /** The caller if the policy allows it; a caller whose credentials cannot be read is refused too. */
    private Caller authorize(ChannelHandlerContext ctx) throws ApiError {
        Peer peer;
        try {
            peer = Peer.of(ctx.channel());
        } catch (Peer.UnidentifiedPeerException e) {
            LOG.warning("refused a caller that cannot be identified: " + e.getMessage());
            throw new ApiError(HttpResponseStatus.FORBIDDEN, "restore-agent cannot tell who is calling ("
                    + e.getMessage() + "), so it refuses the call");
        }
        Caller caller = new Caller(peer.uid(), peer.pid());
        if (!callers.allows(peer)) {
            LOG.warning("refused caller " + caller + ": not root, not an allowed uid, not in an allowed group");
            throw new ApiError(HttpResponseStatus.FORBIDDEN, "uid " + peer.uid() + " may not use restore-agent;"
                    + " ask an administrator to add you to an allowed group");
        }
        return caller;
    }

    private FullHttpResponse route(FullHttpRequest request, Caller caller) throws ApiError, IOException {
        String path;
        try {
            path = new QueryStringDecoder(request.uri()).path();
        } catch (IllegalArgumentException e) {
            // a %-escape that does not decode
            throw new ApiError(HttpResponseStatus.BAD_REQUEST, "not a request path: " + e.getMessage());
        }
        HttpMethod method = request.method();
        if (path.equals("/v1/restores")) {
            if (method.equals(HttpMethod.POST)) {
                return logged("submit", caller, () -> submit(request, caller));
            }
            if (method.equals(HttpMethod.GET)) {
                List<Object> list = new ArrayList<>();
                jobs.list().forEach(j -> list.add(view(j)));
                return json(HttpResponseStatus.OK, Map.of("restores", list));
            }
            throw notAllowed(method, path);
        }
        if (path.startsWith("/v1/restores/")) {
            String id = path.substring("/v1/restores/".length());
            if (method.equals(HttpMethod.GET)) {
                return json(HttpResponseStatus.OK, view(find(id)));
            }
            if (method.equals(HttpMethod.DELETE)) {
                return logged("cancel of job " + id, caller, () -> cancel(id, caller));
            }
            throw notAllowed(method, path);
        }
        if (method.equals(HttpMethod.GET)) {
            switch (path) {
                case "/v1/budget":
                    return json(HttpResponseStatus.OK, budgetView());
                case "/v1/health":
                    return json(HttpResponseStatus.OK, Map.of("status", "ok", "version", version,
                            "jobs_running", count(JobState.RUNNING),
                            "jobs_queued", count(JobState.QUEUED), "decoders", DecoderImplementations.all(),
                            "transport", transport.toString()));
                case "/metrics":
                    FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
                            HttpResponseStatus.OK, Unpooled.wrappedBuffer(metrics.scrape()));
                    response.headers().set(HttpHeaderNames.CONTENT_TYPE, AgentMetrics.CONTENT_TYPE);
                    HttpUtil.setContentLength(response, response.content().readableBytes());
                    return response;
                default:
                    break;
            }
        }
        throw new ApiError(HttpResponseStatus.NOT_FOUND, "no such resource: " + method + " " + path);
    }

    /** What answers a submit or a cancel; it logs its own success. */
    @FunctionalInterface
    private interface Change {
        FullHttpResponse run() throws ApiError, IOException;
    }

    /** Runs {@code change}, logging its refusal with the caller: every submit and cancel leaves a line. */
    private static FullHttpResponse logged(String what, Caller caller, Change change) throws ApiError, IOException {
        try {
            return change.run();
        } catch (ApiError e) {
            // the path and the messages may quote the request: one line, whatever it holds
            LOG.info(OneLine.escape(what + " by " + caller + " refused (" + e.status().code() + "): "
                    + e.getMessage()));
            throw e;
        }
    }

    private FullHttpResponse cancel(String id, Caller caller) throws ApiError {
        JobState was = find(id).state();
        try {
            FullHttpResponse response = json(HttpResponseStatus.ACCEPTED, view(jobs.cancel(id)));
            LOG.info("cancel by " + caller + ": job " + id + " (was " + was + ")");
            return response;
        } catch (JobRegistry.ConflictException e) {
            throw new ApiError(HttpResponseStatus.CONFLICT, e.getMessage());
        }
    }

    private FullHttpResponse submit(FullHttpRequest http, Caller caller) throws ApiError, IOException {
        RestoreRequest request;
        try {
            request = JSON.readValue(http.content().toString(StandardCharsets.UTF_8), RestoreRequest.class);
        } catch (UnrecognizedPropertyException e) {
            throw new ApiError(HttpResponseStatus.BAD_REQUEST, "unknown field '" + e.getPropertyName()
                    + "' (known: " + e.getKnownPropertyIds() + ")", e.getPropertyName());
        } catch (JsonProcessingException e) {
            throw new ApiError(HttpResponseStatus.BAD_REQUEST, "the body is not a valid restore request: "
                    + e.getOriginalMessage());
        }
        if (request == null) {
            throw new ApiError(HttpResponseStatus.BAD_REQUEST, "the body is empty; send a restore request as JSON");
        }
        try {
            // the paths first: validation reads the Cinder export record the request names
            paths.check(request);
            RestoreRequests.validate(request);
            JobRegistry.Submitted submitted = jobs.submit(request);
            FullHttpResponse response = json(submitted.created() ? HttpResponseStatus.ACCEPTED : HttpResponseStatus.OK,
                    view(submitted.job()));
            response.headers().set(HttpHeaderNames.LOCATION, "/v1/restores/" + submitted.job().id());
            LOG.info("submit by " + caller + ": job " + submitted.job().id()
                    + (submitted.created() ? " (new)" : " (the same idempotency key: existing)")
                    + " to " + OneLine.escape(request.to()));
            return response;
        } catch (RestoreRequests.FieldException e) {
            throw new ApiError(HttpResponseStatus.BAD_REQUEST, e.getMessage(), e.field());
        } catch (JobRegistry.ConflictException e) {
            throw new ApiError(HttpResponseStatus.CONFLICT, e.getMessage());
        }
    }

    private RestoreJob find(String id) throws ApiError {
        return jobs.get(id).orElseThrow(() -> new ApiError(HttpResponseStatus.NOT_FOUND, "no restore job " + id));
    }

    private long count(JobState state) {
        return jobs.list().stream().filter(j -> j.state() == state).count();
    }

    private JobView view(RestoreJob job) {
        return job.view(jobs.queuePosition(job).orElse(null));
    }

    private Map<String, Object> budgetView() {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("total_bytes", budget.totalBytes());
        view.put("in_use_bytes", budget.totalBytes() - budget.availableBytes());
        view.put("available_bytes", budget.availableBytes());
        view.put("waiting", budget.waitingCount());
        view.put("peak_in_use_bytes", budget.peakUsedBytes());
        // the allocator's own counters of direct data buffers: what the budget's accounting must bound
        view.put("direct_memory_used_bytes", DirectMemory.usedBytes());
        view.put("direct_memory_peak_bytes", DirectMemory.peakUsedBytes());
        List<Object> held = new ArrayList<>();
        for (BudgetLease lease : budget.leases()) {
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("id", lease.holder());
            entry.put("state", jobs.get(lease.holder()).map(j -> j.state().name()).orElse(null));
            entry.put("bytes", lease.bytes());
            held.add(entry);
        }
        view.put("jobs", held);
        return view;
    }

    private static ApiError notAllowed(HttpMethod method, String path) {
        return new ApiError(HttpResponseStatus.METHOD_NOT_ALLOWED, method + " is not allowed on " + path);
    }

    static FullHttpResponse error(ApiError e) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", e.getMessage());
        body.put("status", e.status().code());
        if (e.field() != null) {
            body.put("field", e.field());
        }
        return json(e.status(), body);
    }

    static FullHttpResponse json(HttpResponseStatus status, Object body) {
        byte[] bytes;
        try {
            bytes = JSON.writeValueAsBytes(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write JSON", e);
        }
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
                Unpooled.wrappedBuffer(bytes));
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON);
        HttpUtil.setContentLength(response, bytes.length);
        return response;
    }
}
