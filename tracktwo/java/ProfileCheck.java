// OWL 2 DL profile check with the OWL API's own checker (OWL2DLProfile): loads every Turtle file
// named on the command line into one ontology and prints one line per violation, then a verdict.
// Run in Java's source-file mode (no build step); see tracktwo/profile.py.
import java.io.File;
import org.semanticweb.owlapi.apibinding.OWLManager;
import org.semanticweb.owlapi.model.*;
import org.semanticweb.owlapi.profiles.*;

public class ProfileCheck {
    public static void main(String[] args) throws Exception {
        OWLOntologyManager manager = OWLManager.createOWLOntologyManager();
        OWLOntology merged = manager.createOntology(IRI.create("urn:x-tracktwo:profile-check"));
        for (String path : args) {
            OWLOntology part = manager.loadOntologyFromOntologyDocument(new File(path));
            manager.addAxioms(merged, part.getAxioms());
        }
        OWLProfileReport report = new OWL2DLProfile().checkOntology(merged);
        for (OWLProfileViolation v : report.getViolations()) {
            System.out.println("VIOLATION\t" + v.toString().replace('\n', ' '));
        }
        System.out.println(report.isInProfile() ? "IN PROFILE" : "NOT IN PROFILE");
    }
}
