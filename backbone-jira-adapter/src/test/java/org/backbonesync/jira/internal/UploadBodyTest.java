package org.backbonesync.jira.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.lang.reflect.Proxy;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** The timing of an upload by its progress ({@link UploadBody}). */
class UploadBodyTest {

  /**
   * Found in review (helper-151): when Jira's answer came as the time after the upload's last
   * byte ran out, the answer in hand was thrown away for a {@link UploadBody.Stalled}: the
   * attachment was made on Jira, and the engine, told the upload failed, attached it again.
   */
  @Test
  void anAnswerAlreadyInIsTakenThoughItsTimeHasRunOut() throws Exception {
    UploadBody upload = new UploadBody(new ByteArrayInputStream(new byte[] {1, 2, 3}));
    assertEquals(3, upload.readAllBytes().length); // the last byte went out
    @SuppressWarnings("unchecked")
    HttpResponse<InputStream> created = (HttpResponse<InputStream>) Proxy.newProxyInstance(
        HttpResponse.class.getClassLoader(), new Class<?>[] {HttpResponse.class},
        (proxy, method, args) -> method.getName().equals("statusCode") ? 200 : null);

    HttpResponse<InputStream> answer = upload.await(CompletableFuture.completedFuture(created),
        Duration.ofSeconds(30), Duration.ofNanos(1), () -> "POST /issue/PA-1/attachments");

    assertSame(created, answer);
  }
}
