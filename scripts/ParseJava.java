import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.ToolProvider;
import com.sun.source.util.JavacTask;

/**
 * Parse Java sources with the JDK's own compiler front end and nothing more (no symbol
 * resolution, no classpath): a syntax check. Prints each syntax error as file:line: message and
 * exits 1 when there is one. Run as `java scripts/ParseJava.java <file.java>...`.
 */
public class ParseJava {
  public static void main(String[] args) throws Exception {
    List<JavaFileObject> sources = new ArrayList<>();
    for (String arg : args) {
      String text = Files.readString(Path.of(arg));
      sources.add(new SimpleJavaFileObject(URI.create("string:///" + arg.replace('\\', '/')), JavaFileObject.Kind.SOURCE) {
        @Override
        public CharSequence getCharContent(boolean ignoreEncodingErrors) {
          return text;
        }
      });
    }
    DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
    JavacTask task = (JavacTask) ToolProvider.getSystemJavaCompiler().getTask(null, null, diagnostics, List.of("-proc:none"), null, sources);
    task.parse();
    int errors = 0;
    for (Diagnostic<? extends JavaFileObject> d : diagnostics.getDiagnostics()) {
      if (d.getKind() != Diagnostic.Kind.ERROR) continue;
      errors++;
      System.out.println(d.getSource().getName() + ":" + d.getLineNumber() + ": " + d.getMessage(null));
    }
    System.exit(errors == 0 ? 0 : 1);
  }
}
